// hostname (ansible.builtin.hostname): the host's name, both the live (transient) one and the permanent
// one in /etc/hostname. Ansible's `systemd` strategy sets them with hostnamectl (the permanent one
// first, as Ansible does); its `debian` one writes /etc/hostname and runs `hostname`. Without `use`, as
// Ansible: systemd when systemd runs the host, else debian's files. Only these two strategies here.
import type { FromSchema } from 'json-schema-to-ts';
import { defineModule, read, type Decision, type ModuleHost, type ModuleView, type Probe } from '../../engine/module.ts';
import { shellCommand } from '../../engine/quote.ts';
import type { ApplyOutcome, PredictedState, ResultData, StateSlot } from '../../engine/types.ts';
import { writeRemoteFile } from '../lib/writeFile.ts';
import { type HostnameFacts, parseHostnameFacts, HOSTNAME_READ } from './read.ts';

const HOSTNAME_FILE = '/etc/hostname';

/** hostname's arguments. The name is a host name's characters only (Ansible passes any string on). */
export const hostnameSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]*$' },
    use: { type: 'string', enum: ['systemd', 'debian'] },
  },
  required: ['name'],
  additionalProperties: false,
} as const;

type Args = FromSchema<typeof hostnameSchema>;

/** What apply does: the strategy, the name, and which of the two names to set. */
interface Change {
  strategy: 'systemd' | 'debian';
  name: string;
  permanent: boolean;
  current: boolean;
}

/** Check mode: the live name an earlier hostname task would have set. */
const LIVE: StateSlot<{ name?: string }> = { name: 'hostname', init: () => ({}) };

function* probe(_args: Args, view: ModuleView): Probe<HostnameFacts> {
  const host = yield* read({ command: HOSTNAME_READ, parse: (r) => parseHostnameFacts(r.stdout) });
  if (!view.check) return host;
  const file = view.predicted.file(HOSTNAME_FILE);
  const live = view.predicted.slot(LIVE).name;
  return {
    ...host,
    ...(live !== undefined ? { current: live } : {}),
    ...(file?.type === 'file' && file.content !== undefined
      ? { permanent: file.content.trim() }
      : file?.type === 'absent'
        ? { permanent: '' }
        : {}),
  };
}

/** The facts Ansible returns for the new name (not ansible_fqdn or ansible_domain: they need the resolver). */
function resultData(name: string): ResultData {
  return { name, ansible_facts: { ansible_hostname: name.split('.')[0] ?? name, ansible_nodename: name } };
}

function decide(args: Args, facts: HostnameFacts): Decision<Change> {
  const name = args.name;
  const strategy = args.use ?? (facts.systemd && facts.hostnamectl ? 'systemd' : 'debian');
  if (strategy === 'systemd' && !facts.hostnamectl)
    return { kind: 'failed', msg: 'Failed to find required executable "hostnamectl" in paths' };
  if (strategy === 'systemd' && name.length > 64)
    return { kind: 'failed', msg: 'name cannot be longer than 64 characters on systemd servers, try a shorter name' };
  const permanent = facts.permanent !== name;
  const current = facts.current !== name;
  if (!permanent && !current) return { kind: 'ok', msg: `the host name is ${name}`, data: resultData(name) };
  const what = [permanent ? `permanent (was '${facts.permanent}')` : '', current ? `live (was '${facts.current}')` : ''].filter(Boolean);
  return {
    kind: 'change',
    msg: `set the ${what.join(' and ')} host name to ${name}`,
    summary: [{ verb: 'set', object: 'the host name', named: true }],
    diff: [{ header: 'hostname', before: `hostname = ${facts.permanent}\n`, after: `hostname = ${name}\n` }],
    data: resultData(name),
    change: { strategy, name, permanent, current },
  };
}

async function runOrFail(host: ModuleHost, command: string): Promise<string | undefined> {
  const r = await host.run(command);
  return r.exitCode === 0 ? undefined : `${command} failed: ${r.stderr.trim() || `exit ${r.exitCode}`}`;
}

async function apply(c: Change, host: ModuleHost): Promise<ApplyOutcome> {
  const steps: Array<() => Promise<string | undefined>> = [];
  if (c.strategy === 'systemd') {
    if (c.permanent) steps.push(() => runOrFail(host, shellCommand('hostnamectl', '--pretty', '--static', 'set-hostname', c.name)));
    if (c.current) steps.push(() => runOrFail(host, shellCommand('hostnamectl', '--transient', 'set-hostname', c.name)));
  } else {
    if (c.permanent) steps.push(async () => void (await writeRemoteFile(host, HOSTNAME_FILE, `${c.name}\n`, {})));
    if (c.current) steps.push(() => runOrFail(host, shellCommand('hostname', c.name)));
  }
  for (const step of steps) {
    const error = await step();
    if (error) return { kind: 'failed', msg: error };
  }
  return { kind: 'changed', msg: `set the host name to ${c.name}`, data: resultData(c.name) };
}

/** The hostname module (`ansible.builtin.hostname`). */
export const hostnameModule = defineModule<Args, HostnameFacts, Change>({
  name: 'hostname',
  summary: "The host's name, live and in /etc/hostname.",
  runsOn: 'host',
  schema: hostnameSchema,
  probe,
  decide,
  apply,
  predict(decision: Decision<Change>, predicted: PredictedState) {
    if (decision.kind !== 'change') return;
    const { name, permanent, current } = decision.change;
    // hostnamectl --static writes /etc/hostname too.
    if (permanent) predicted.setFile(HOSTNAME_FILE, { type: 'file', content: `${name}\n` });
    if (current) predicted.slot(LIVE).name = name;
  },
});
