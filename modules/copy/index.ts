// copy: put literal content, or a controller file, at a path on the host.
import path from 'node:path';
import type { FromSchema } from 'json-schema-to-ts';
import { defineModule, type Decision, type ModuleView, type Probe } from '../../engine/module.ts';
import { wantedAttributes } from '../lib/attributes.ts';
import { MAX_CONTENT_BYTES, readControllerFile, requireControllerFile } from '../lib/controllerFile.ts';
import {
  applyFileContent,
  decideFileContent,
  predictFileContent,
  probeFileContent,
  type FileContentChange,
  type FileContentFacts,
} from '../lib/fileContent.ts';
import { accountNameSchema, modeSchema } from '../lib/schemas.ts';

export const copySchema = {
  type: 'object',
  properties: {
    content: { type: 'string' },
    src: { type: 'string' },
    dest: { type: 'string', minLength: 1 },
    mode: modeSchema,
    owner: accountNameSchema,
    group: accountNameSchema,
    force: { type: 'boolean' },
    // fleetplay: the content is JSON; it must parse, and the same value in another layout is no change.
    format: { enum: ['text', 'json'] },
  },
  required: ['dest'],
  oneOf: [{ required: ['content'] }, { required: ['src'] }],
  additionalProperties: false,
} as const;

export type CopyArgs = FromSchema<typeof copySchema>;

/** What probe found: a src that is a directory (refused), or the content and what is at dest. */
export type CopyFacts = { srcDirectory: string } | { write: FileContentFacts };

function* probeCopy(args: CopyArgs, view: ModuleView): Probe<CopyFacts> {
  // As in Ansible, a dest ending in '/' is a directory that is created when missing.
  const createParents = args.dest.endsWith('/');
  const target = {
    dest: args.dest,
    wanted: wantedAttributes(args),
    force: args.force !== false,
    createParents,
    ...(args.format === 'json' ? { format: 'json' as const } : {}),
  };
  if (args.content !== undefined) return { write: yield* probeFileContent(view, target, args.content) };
  // A src that is not a regular file is refused before the host is asked; its bytes are read after
  // dest's first read (a `local` stage), so a look ahead reads dest without reading src.
  const src = view.resolveLocalPath(args.src ?? '', 'files');
  const limits = { what: 'copy src', maxBytes: MAX_CONTENT_BYTES };
  if (requireControllerFile(src, { ...limits, allowDirectory: true }) === 'directory') return { srcDirectory: src };
  const dest = args.dest.endsWith('/') ? path.posix.join(args.dest, path.basename(src)) : args.dest;
  return {
    write: yield* probeFileContent(
      view,
      { ...target, dest },
      { what: `read copy src ${src}`, make: () => readControllerFile(src, limits) },
    ),
  };
}

function decideCopy(facts: CopyFacts): Decision<FileContentChange> {
  if ('srcDirectory' in facts) return { kind: 'failed', msg: `copy of directories is not supported yet: ${facts.srcDirectory}` };
  return decideFileContent(facts.write);
}

/** The copy module. */
export const copyModule = defineModule<CopyArgs, CopyFacts, FileContentChange>({
  name: 'copy',
  runsOn: 'host',
  schema: copySchema,
  probe: probeCopy,
  decide: (_args, facts) => decideCopy(facts),
  apply: applyFileContent,
  predict: (decision, predicted) => predictFileContent(decision, predicted),
});
