// tempfile (ansible.builtin.tempfile): creates a temporary file or directory on the host with GNU
// mktemp (mode 0600 for a file, 0700 for a directory, as Python's mkstemp/mkdtemp) and returns its `path`.
// Every run creates a new one, so it is always changed. ansible-core's integration targets need it
// (setup_remote_tmp_dir). Ansible's module does not support check mode (it is skipped); here check mode
// reports it as unknown, since the name mktemp picks cannot be known before it runs.
import type { FromSchema } from 'json-schema-to-ts';
import { defineModule, noReads, type Decision, type ModuleView } from '../../engine/module.ts';
import { shellQuote } from '../../engine/quote.ts';

const schema = {
  type: 'object',
  properties: {
    state: { enum: ['file', 'directory'], default: 'file' },
    path: { type: 'string', description: 'the folder to create it in (default: $TMPDIR or /tmp on the host)' },
    // A '/' would put the file in another folder than `path`, which mktemp refuses; refused here first.
    prefix: { type: 'string', default: 'ansible.', pattern: '^[^/]*$' },
    suffix: { type: 'string', default: '', pattern: '^[^/]*$' },
  },
  additionalProperties: false,
} as const;

type Args = FromSchema<typeof schema>;

/** What apply creates. */
interface Change {
  directory: boolean;
  path?: string;
  prefix: string;
  suffix: string;
}

function decide(args: Args, _facts: undefined, view: ModuleView): Decision<Change> {
  const directory = args.state === 'directory';
  const what = directory ? 'temporary directory' : 'temporary file';
  if (view.check) return { kind: 'unknown', msg: `check mode cannot know the name of the ${what} a run would create` };
  return {
    kind: 'change',
    msg: `create a ${what}`,
    summary: [{ verb: 'create', object: what }],
    change: { directory, prefix: args.prefix ?? 'ansible.', suffix: args.suffix ?? '', ...(args.path ? { path: args.path } : {}) },
  };
}

/** The mktemp command: the template is the prefix and 8 random characters, in `path` or $TMPDIR or /tmp. */
export function mktempCommand(change: Change): string {
  const dir = change.path ? shellQuote(change.path) : '"${TMPDIR:-/tmp}"';
  const suffix = change.suffix ? ` --suffix=${shellQuote(change.suffix)}` : '';
  return `mktemp${change.directory ? ' -d' : ''} -p ${dir}${suffix} -- ${shellQuote(`${change.prefix}XXXXXXXX`)}`;
}

export const tempfileModule = defineModule<Args, undefined, Change>({
  name: 'tempfile',
  summary: 'A temporary file or directory on the host (state, prefix, suffix, path); returns its path.',
  runsOn: 'host',
  schema,
  probe: () => noReads(undefined),
  decide,
  async apply(change, host) {
    const r = await host.run(mktempCommand(change));
    const path = r.stdout.trim();
    if (r.exitCode !== 0 || !path) return { kind: 'failed', msg: r.stderr.trim() || `mktemp: exit ${r.exitCode}` };
    return { kind: 'changed', msg: `created ${path}`, data: { path, state: change.directory ? 'directory' : 'file' } };
  },
});
