// assemble (ansible.builtin.assemble): a file made of the fragments in a directory (on the host by default,
// remote_src; on the controller with remote_src: false), joined as Ansible joins them, then written as
// copy writes content: only when it differs, atomically, with mode/owner/group, backup, validate and a diff.
// Check mode predicts the same outcome (Ansible skips assemble in check mode).
import type { FromSchema } from 'json-schema-to-ts';
import { defineModule, local, type Decision, type ModuleView, type Probe } from '../../engine/module.ts';
import { compilePythonRegex, type PythonRegex, RegexError } from '../../engine/regex/index.ts';
import { wantedAttributes } from '../lib/attributes.ts';
import {
  applyFileContent,
  decideFileContent,
  type FileContentChange,
  type FileContentFacts,
  predictFileContent,
  probeFileContent,
} from '../lib/fileContent.ts';
import { accountNameSchema, modeSchema } from '../lib/schemas.ts';
import { joinFragments } from './fragments.ts';
import { type Gathered, gatherLocal, gatherRemote } from './sources.ts';

const schema = {
  type: 'object',
  properties: {
    src: { type: 'string', minLength: 1 },
    dest: { type: 'string', minLength: 1 },
    delimiter: { type: 'string' },
    regexp: { type: 'string' },
    ignore_hidden: { type: 'boolean' },
    remote_src: { type: 'boolean' },
    mode: modeSchema,
    owner: accountNameSchema,
    group: accountNameSchema,
    backup: { type: 'boolean' },
    validate: { type: 'string' },
  },
  required: ['src', 'dest'],
  additionalProperties: false,
} as const;

type Args = FromSchema<typeof schema>;

/** What probe found: why nothing can be assembled, or the assembled content and what is at dest. */
type Facts = { failed: string } | { unknown: string } | { write: FileContentFacts; fragments: number };

function* probe(args: Args, view: ModuleView): Probe<Facts> {
  let regexp: PythonRegex | undefined;
  try {
    regexp = args.regexp !== undefined && args.regexp !== '' ? compilePythonRegex(args.regexp, { kind: 'arguments' }) : undefined;
  } catch (err) {
    if (err instanceof RegexError) return { failed: `assemble: regexp: ${err.message}` };
    throw err;
  }
  const sel = { regexp, ignoreHidden: args.ignore_hidden === true };
  const gathered: Gathered =
    args.remote_src === false
      ? yield* local(`read the fragments in ${args.src}`, async () => gatherLocal(args.src, sel, view))
      : yield* gatherRemote(args.src, sel, view);
  if (!('fragments' in gathered)) return gathered;
  const content = joinFragments(gathered.fragments, args.delimiter);
  const target = {
    dest: args.dest,
    wanted: wantedAttributes(args),
    force: true,
    ...(args.backup === true ? { backup: true } : {}),
    // Ansible: an empty validate is none.
    ...(args.validate ? { validate: args.validate } : {}),
  };
  return { write: yield* probeFileContent(view, target, content), fragments: gathered.fragments.length };
}

function decide(_args: Args, facts: Facts): Decision<FileContentChange> {
  if ('failed' in facts) return { kind: 'failed', msg: facts.failed };
  if ('unknown' in facts) return { kind: 'unknown', msg: facts.unknown };
  const d = decideFileContent(facts.write);
  if (d.kind !== 'change') return d;
  return { ...d, msg: `${d.msg} from ${facts.fragments} fragment${facts.fragments === 1 ? '' : 's'}` };
}

/** The assemble module. */
export const assembleModule = defineModule<Args, Facts, FileContentChange>({
  name: 'assemble',
  summary: 'A file made of the fragments in a directory, joined as Ansible joins them.',
  runsOn: 'host',
  schema,
  probe,
  decide,
  apply: applyFileContent,
  predict: (decision, predicted) => predictFileContent(decision, predicted),
});
