// ping (ansible.builtin.ping): checks that the host runs a command, and returns `ping: <data>` (default
// `pong`). As in Ansible, `data: crash` makes the module fail. Read-only, so also in check mode.
import type { FromSchema } from 'json-schema-to-ts';
import { defineModule, read, type Decision } from '../../engine/module.ts';

const schema = {
  type: 'object',
  properties: { data: { type: 'string', default: 'pong', description: 'what the module returns as ping' } },
  additionalProperties: false,
} as const;

type Args = FromSchema<typeof schema>;

/** Whether the host ran the command, and what it said when it did not. */
interface Facts {
  ran: boolean;
  error: string;
}

function decide(args: Args, facts: Facts): Decision<never> {
  const data = args.data ?? 'pong';
  if (!facts.ran) return { kind: 'failed', msg: `the host did not run a command: ${facts.error}` };
  // Ansible's ping raises an exception for this value, to test module failures.
  if (data === 'crash') return { kind: 'failed', msg: 'boom', data: { ping: data } };
  return { kind: 'ok', msg: data, data: { ping: data } };
}

export const pingModule = defineModule<Args, Facts, never>({
  name: 'ping',
  summary: 'Answer `pong` (or `data`) when the host can run a module; `data: crash` fails.',
  runsOn: 'host',
  schema,
  *probe() {
    return yield* read({ command: 'true', parse: (r) => ({ ran: r.exitCode === 0, error: r.stderr.trim() || `exit ${r.exitCode}` }) });
  },
  decide,
});
