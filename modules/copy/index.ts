// copy: put literal content, a controller file, or (remote_src) a file on the host at a path on the host.
import path from 'node:path';
import type { FromSchema } from 'json-schema-to-ts';
import { FleetError } from '../../engine/errors.ts';
import { defineModule, type Decision, type ModuleView, type Probe } from '../../engine/module.ts';
import { wantedAttributes, type WantedAttributes } from '../lib/attributes.ts';
import { MAX_CONTENT_BYTES, readControllerFile, requireControllerFile } from '../lib/controllerFile.ts';
import { decideFileContent, probeFileContent, type ContentTarget, type FileContentFacts } from '../lib/fileContent.ts';
import { accountNameSchema, modeSchema } from '../lib/schemas.ts';
import { applyCopy, predictCopy, type CopyChange } from './apply.ts';
import { decideRemoteCopy, probeRemoteCopy, type RemoteCopyFacts } from './remoteSrc.ts';

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
    // The mode of the directories created for a dest ending in '/' (they also get owner and group).
    directory_mode: modeSchema,
    // src is a path on the host (Ansible's remote_src); ignored with content, as in Ansible.
    remote_src: { type: 'boolean' },
    // An existing dest whose content changes is copied to <dest>.<pid>.<date>~ first.
    backup: { type: 'boolean' },
    // A command with %s (the new file) that must succeed before dest is replaced ('' is none, as in Ansible).
    validate: { type: 'string' },
    // fleetplay: the content is JSON; it must parse, and the same value in another layout is no change.
    format: { enum: ['text', 'json'] },
  },
  required: ['dest'],
  oneOf: [{ required: ['content'] }, { required: ['src'] }],
  additionalProperties: false,
} as const;

export type CopyArgs = FromSchema<typeof copySchema>;

/** What probe found: a src that is a directory (refused), the content and what is at dest, or a copy on the host. */
export type CopyFacts = { refused: string } | { write: FileContentFacts } | { remote: RemoteCopyFacts };

function* probeCopy(args: CopyArgs, view: ModuleView): Probe<CopyFacts> {
  // As in Ansible, a dest ending in '/' is a directory that is created when missing.
  const createParents = args.dest.endsWith('/');
  const target: ContentTarget = {
    dest: args.dest,
    wanted: wantedAttributes(args),
    force: args.force !== false,
    createParents,
    ...(createParents ? { directoryAttributes: directoryAttributes(args) } : {}),
    ...(args.format === 'json' ? { format: 'json' as const } : {}),
    ...(args.backup === true ? { backup: true } : {}),
    ...(args.validate ? { validate: args.validate } : {}),
  };
  // Ansible's words, before the host is asked.
  if (args.content !== undefined && createParents) return { refused: 'can not use content with a dir as dest' };
  if (args.content !== undefined) return { write: yield* probeFileContent(view, target, args.content) };
  const srcArg = args.src ?? '';
  if (args.remote_src === true) {
    // src is read on the host: no controller search. format: json compares text on the controller only.
    if (args.format === 'json') throw new FleetError('arguments', 'copy: format: json cannot be used with remote_src');
    const dest = createParents ? path.posix.join(args.dest, path.posix.basename(srcArg)) : args.dest;
    return { remote: yield* probeRemoteCopy(view, srcArg, { ...target, dest }) };
  }
  // A src that is not a regular file is refused before the host is asked; its bytes are read after
  // dest's first read (a `local` stage), so a look ahead reads dest without reading src.
  const src = view.resolveLocalPath(srcArg, 'files');
  const limits = { what: 'copy src', maxBytes: MAX_CONTENT_BYTES };
  if (requireControllerFile(src, { ...limits, allowDirectory: true }) === 'directory')
    return { refused: `copy of directories is not supported yet: ${src}` };
  const dest = createParents ? path.posix.join(args.dest, path.basename(src)) : args.dest;
  return {
    write: yield* probeFileContent(
      view,
      { ...target, dest, intoDirectory: path.basename(src) },
      { what: `read copy src ${src}`, make: () => readControllerFile(src, limits) },
    ),
  };
}

/** Ansible: each directory copy creates gets directory_mode (not mode), owner and group. */
function directoryAttributes(args: CopyArgs): WantedAttributes {
  return wantedAttributes({
    ...(args.directory_mode !== undefined ? { mode: args.directory_mode } : {}),
    ...(args.owner !== undefined ? { owner: args.owner } : {}),
    ...(args.group !== undefined ? { group: args.group } : {}),
  });
}

function decideCopy(facts: CopyFacts): Decision<CopyChange> {
  if ('refused' in facts) return { kind: 'failed', msg: facts.refused };
  if ('remote' in facts) return decideRemoteCopy(facts.remote);
  // Ansible's words for content aimed at an existing directory (a controller src goes into it instead).
  if (facts.write.target.intoDirectory === undefined && facts.write.dest?.state.type === 'directory') {
    return { kind: 'failed', msg: 'can not use content with a dir as dest', data: { dest: facts.write.target.dest } };
  }
  return decideFileContent(facts.write);
}

/** The copy module. */
export const copyModule = defineModule<CopyArgs, CopyFacts, CopyChange>({
  name: 'copy',
  runsOn: 'host',
  schema: copySchema,
  probe: probeCopy,
  decide: (_args, facts) => decideCopy(facts),
  apply: applyCopy,
  predict: (decision, predicted) => predictCopy(decision, predicted),
});
