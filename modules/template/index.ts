// template: render a Jinja2 (or Handlebars) file on the controller and put the result at a path on the host.
import { withContentResult, withStat } from '../lib/contentResult.ts';
import type { FromSchema } from 'json-schema-to-ts';
import { statSync } from 'node:fs';
import path from 'node:path';
import { defineModule, read, type ModuleView, type Probe } from '../../engine/module.ts';
import { operandPath, shellQuote } from '../../engine/quote.ts';
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
import { textCodec } from '../lib/lineEditEncoding.ts';
import { renderWithWhitespace, withNewlineSequence } from './whitespace.ts';

export const templateSchema = {
  type: 'object',
  properties: {
    src: { type: 'string', minLength: 1 },
    dest: { type: 'string', minLength: 1 },
    // 'preserve': the src file's own mode, as Ansible's template action.
    mode: { anyOf: [...modeSchema.anyOf, { const: 'preserve' }] },
    owner: accountNameSchema,
    // Accepted with no effect: writes are always atomic (Ansible falls back to unsafe writes only when a rename fails).
    unsafe_writes: { type: 'boolean' },
    group: accountNameSchema,
    force: { type: 'boolean' },
    // An existing dest whose content changes is copied to <dest>.<pid>.<date>~ first.
    backup: { type: 'boolean' },
    // A command with %s (the new file) that must succeed before dest is replaced ('' is none, as in Ansible).
    validate: { type: 'string' },
    // fleetplay: the content is JSON; it must parse, and the same value in another layout is no change.
    format: { enum: ['text', 'json'] },
    // Jinja2's whitespace options, with Ansible's defaults (true, false, '\n'); see whitespace.ts.
    trim_blocks: { type: 'boolean' },
    lstrip_blocks: { type: 'boolean' },
    // Ansible also takes the escaped spellings ('\\n' as written in single quotes) and maps them.
    newline_sequence: { enum: ['\n', '\r', '\r\n', '\\n', '\\r', '\\r\\n'] },
    // Jinja2's tag delimiters (see whitespace.ts).
    variable_start_string: { type: 'string', minLength: 1 },
    variable_end_string: { type: 'string', minLength: 1 },
    block_start_string: { type: 'string', minLength: 1 },
    block_end_string: { type: 'string', minLength: 1 },
    comment_start_string: { type: 'string', minLength: 1 },
    comment_end_string: { type: 'string', minLength: 1 },
    // The encoding the rendered text is written in, a Python codec name (default utf-8; see lineEditEncoding.ts).
    // '' is the default, as Ansible's template action reads it (`… or 'utf-8'`).
    output_encoding: { type: 'string' },
    // A dest that is a symlink: true writes the file it points to; false (the default) replaces the link.
    follow: { type: 'boolean' },
  },
  required: ['src', 'dest'],
  additionalProperties: false,
} as const;

export type TemplateArgs = FromSchema<typeof templateSchema>;

function* probeTemplate(args: TemplateArgs, view: ModuleView): Probe<FileContentFacts> {
  const src = view.resolveLocalPath(args.src, 'templates');
  const limits = { what: 'template src', maxBytes: MAX_CONTENT_BYTES };
  // A src that is not a regular file (a FIFO would block) is refused before the host is asked.
  requireControllerFile(src, limits);
  // An encoding fleetplay does not know is refused before the host is asked.
  const codec = textCodec(args.output_encoding || undefined);
  const dest = args.follow === true ? yield* followLink(view, args.dest) : args.dest;
  const mode = args.mode === 'preserve' ? localMode(src) : args.mode;
  const target = {
    dest,
    // A dest that is a directory receives the file under the src's name, as Ansible's copy step does.
    intoDirectory: path.basename(src),
    wanted: wantedAttributes({ ...args, ...(mode !== undefined ? { mode } : {}) }),
    force: args.force !== false,
    ...(args.format === 'json' ? { format: 'json' as const } : {}),
    ...(args.backup === true ? { backup: true } : {}),
    ...(args.validate ? { validate: args.validate } : {}),
  };
  // Rendered once, after dest's first read: a look ahead (which takes only the first stage) never renders.
  return yield* probeFileContent(view, target, {
    what: `render template ${src}`,
    make: () => {
      const text = withNewlineSequence(
        renderWithWhitespace(view, readControllerFile(src, limits).toString('utf8'), src, args, args.dest),
        args.newline_sequence,
      );
      return codec ? codec.encode(text) : text;
    },
  });
}

// mode: preserve: the controller file's own mode.
function localMode(src: string): string {
  return (statSync(src).mode & 0o7777).toString(8).padStart(4, '0');
}

/** follow: the path a symlink at `dest` resolves to (readlink -f; in check mode a predicted link's target), else dest. */
function* followLink(view: ModuleView, dest: string): Probe<string> {
  const predicted = view.check ? view.predicted.file(dest) : undefined;
  if (predicted?.type === 'link') return path.posix.resolve(path.posix.dirname(dest), predicted.target);
  if (predicted) return dest;
  const d = shellQuote(operandPath(dest));
  return yield* read({
    command: `if [ -L ${d} ]; then readlink -f -- ${d}; fi`,
    parse: (r) => r.stdout.replace(/\n$/, '') || dest,
  });
}

/** The template module. */
export const templateModule = defineModule<TemplateArgs, FileContentFacts, FileContentChange>({
  name: 'template',
  summary: 'Render a Jinja2 (or Handlebars) file and put it at a path on the host.',
  runsOn: 'host',
  schema: templateSchema,
  probe: probeTemplate,
  // Ansible's template is its copy action: the same result fields (checksum, md5sum, path info).
  decide: (args, facts) => withContentResult(decideFileContent(facts), facts, args.src),
  apply: async (change, host) => withStat(await applyFileContent(change, host), change.dest, host),
  predict: (decision, predicted) => predictFileContent(decision, predicted),
});
