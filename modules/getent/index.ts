// getent: reads one of the host's name service databases (passwd, group, hosts, services, ...) with the
// getent program and returns it as the fact `getent_<database>`, as Ansible's getent module does. Only
// reads: it never changes anything and runs in check mode too, so later tasks see the facts.
//
// Check mode: the read shows the host as it is now. When an earlier task would change the database's
// file (/etc/<database>), or a key is missing after a task whose effects check mode cannot predict (it
// may add the user or group, as a package's install scripts do), the outcome is unknown instead.
import type { FromSchema } from 'json-schema-to-ts';
import { defineModule, read, type Decision, type ModuleView, type Probe } from '../../engine/module.ts';
import { shellCommand } from '../../engine/quote.ts';
import type { ExecResult } from '../../engine/types.ts';
import { parseGetent, separatorFor } from './parse.ts';

/** getent's arguments as Ansible has them; database and service are words, so they cannot be options. */
export const getentSchema = {
  type: 'object',
  properties: {
    database: { type: 'string', pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]*$' },
    // Ansible's type is str, which takes a number too (a uid or a port).
    key: { type: ['string', 'integer'] },
    split: { type: 'string', minLength: 1 },
    fail_key: { type: 'boolean' },
    service: { type: 'string', pattern: '^[A-Za-z0-9_][A-Za-z0-9_.:,+-]*$' },
  },
  required: ['database'],
  additionalProperties: false,
} as const;

/** getent's arguments, as ajv checked them. */
export type GetentArgs = FromSchema<typeof getentSchema>;

/** What the read returned. */
export type GetentFacts = Pick<ExecResult, 'exitCode' | 'stdout' | 'stderr'>;

/** The getent command: `-s service` first, then `--` so a key can never be an option. */
export function getentCommand(args: GetentArgs): string {
  const key = args.key === undefined ? [] : [String(args.key)];
  const service = args.service === undefined ? [] : ['-s', args.service];
  return `LC_ALL=C ${shellCommand('getent', ...service, '--', args.database, ...key)}`;
}

function* probeGetent(args: GetentArgs): Probe<GetentFacts> {
  return yield* read<GetentFacts>({
    command: getentCommand(args),
    parse: (r) => ({ exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr }),
  });
}

// Ansible's messages for getent's exit codes.
const FAILURES: Record<number, string> = {
  1: 'Missing arguments, or database unknown.',
  2: 'One or more supplied key could not be found in the database.',
  3: 'Enumeration not supported on this database.',
  127: 'Failed to find required executable "getent" on the host.',
};

/** Why check mode cannot take this read as the real run's, if it cannot. */
function checkModeDoubt(args: GetentArgs, facts: GetentFacts, view: ModuleView): string | undefined {
  if (!view.check) return undefined;
  const file = `/etc/${args.database}`;
  if (view.predicted.file(file) !== undefined) return `an earlier task changes ${file}, which check mode did not write`;
  const opaque = facts.exitCode === 2 ? view.predicted.opaqueTask() : undefined;
  if (opaque) return `'${opaque}' runs first and check mode cannot predict its effects (it may add the entry)`;
  return undefined;
}

function describeFound(database: string, found: Record<string, unknown>, key: string | undefined): string {
  const names = Object.keys(found);
  if (key !== undefined) return `${database}: ${names.join(', ') || key}`;
  return `${database}: ${names.length} entr${names.length === 1 ? 'y' : 'ies'}`;
}

function decideGetent(args: GetentArgs, facts: GetentFacts, view: ModuleView): Decision<never> {
  const key = args.key === undefined ? undefined : String(args.key);
  const tree = `getent_${args.database}`;
  const doubt = checkModeDoubt(args, facts, view);
  if (doubt) {
    const now = facts.exitCode === 0 ? 'found' : facts.exitCode === 2 ? 'is missing' : `fails (exit ${facts.exitCode})`;
    const what = key === undefined ? `the ${args.database} database` : `key '${key}' of ${args.database}`;
    return { kind: 'unknown', msg: `${what} ${now} on the host now, but ${doubt}, so the result is unknown` };
  }
  if (facts.exitCode === 0) {
    const found = parseGetent(facts.stdout, separatorFor(args.database, args.split));
    return { kind: 'ok', msg: describeFound(args.database, found, key), data: { ansible_facts: { [tree]: found } } };
  }
  const msg = FAILURES[facts.exitCode] ?? 'Unexpected failure!';
  if (facts.exitCode === 2 && args.fail_key === false && key !== undefined) {
    const missing = {};
    Object.defineProperty(missing, key, { value: null, enumerable: true, writable: true, configurable: true });
    return { kind: 'ok', msg, data: { ansible_facts: { [tree]: missing } } };
  }
  const detail = facts.stderr.trim();
  return { kind: 'failed', msg: detail ? `${msg} (${detail})` : msg, data: { rc: facts.exitCode, stderr: detail } };
}

/** The getent module (`ansible.builtin.getent`): `ansible_facts.getent_<database>`; never changes anything. */
export const getentModule = defineModule<GetentArgs, GetentFacts, never>({
  name: 'getent',
  summary: 'Read a name service database (passwd, group, hosts, …) into getent_<database>.',
  // Read as getent_<db> or ansible_facts.getent_<db>.
  setsVariables: (args) => (typeof args.database === 'string' ? [`getent_${args.database}`, `ansible_facts.getent_${args.database}`] : []),
  runsOn: 'host',
  schema: getentSchema,
  probe: probeGetent,
  decide: decideGetent,
});
