// gather_facts and the setup module: Ansible's facts, read with one remote command (factsCommand.ts).
// A host's facts are kept as Ansible's fact cache keeps them: what setup returns (`ansible_distribution`)
// and what set_fact's `cacheable` adds; tasks see each one as a variable, and all of them, without the
// `ansible_` prefix, in `ansible_facts` (INJECT_FACTS_AS_VARS, Ansible's default).
import type { Connection, Vars } from '../types.ts';
import { setOwn } from '../inventory/own-properties.ts';
import { factsCommand, tagLines } from './factsCommand.ts';
import { parseExportP } from './factsEnv.ts';
import { hardwareFacts, virtualFacts } from './factsMachine.ts';
import {
  dateTimeFacts,
  distributionFacts,
  dnsFacts,
  lsbFacts,
  pkgMgrFact,
  platformFacts,
  securityFacts,
  pythonFacts,
  serviceMgrFact,
  userFacts,
} from './factsMin.ts';
import { networkFacts } from './factsNetwork.ts';
import { collectorsFor, subsetList, type FactCollector } from './factSubsets.ts';

/** How to gather: gather_subset as given, and gather_timeout in seconds (Ansible's default is 10). */
export interface GatherOptions {
  subset?: unknown;
  timeout?: number;
  /** The play's login user (remote_user, ansible_user; executor/remoteUser.ts). */
  remoteUser?: string;
}

/** The command and its parser for these options; throws on a bad subset (Ansible's message). */
export function factsRead(options: GatherOptions = {}): { command: string; timeoutMs: number; parse: (stdout: string) => Vars } {
  const subsets = subsetList(options.subset);
  const collectors = collectorsFor(subsets);
  return {
    command: factsCommand(collectors),
    timeoutMs: (options.timeout ?? 10) * 1000,
    parse: (stdout) => prefixFacts({ ...parseFacts(stdout, collectors), gather_subset: subsets, module_setup: true }),
  };
}

/** Reads facts from a host, as the fact cache keeps them (`ansible_`-prefixed). Transport errors propagate (unreachable). */
export async function gatherFacts(conn: Connection, options: GatherOptions = {}): Promise<{ facts: Vars; failed?: string }> {
  let read: ReturnType<typeof factsRead>;
  try {
    read = factsRead(options);
  } catch (err) {
    return { facts: {}, failed: (err as Error).message };
  }
  const r = await conn.exec(read.command, {
    timeoutMs: read.timeoutMs,
    ...(options.remoteUser !== undefined ? { remoteUser: options.remoteUser } : {}),
  });
  if (r.timedOut) return { facts: {}, failed: `fact gathering timed out after ${options.timeout ?? 10} s (gather_timeout)` };
  if (r.exitCode !== 0) return { facts: {}, failed: `fact gathering failed: ${r.stderr.trim() || `exit ${r.exitCode}`}` };
  return { facts: read.parse(r.stdout) };
}

/** Parses the fact command's output into Ansible's fact names (without the `ansible_` prefix). */
export function parseFacts(output: string, collectors: ReadonlySet<FactCollector> = collectorsFor(['all'])): Vars {
  const tags = tagLines(output);
  const out: Vars = {};
  const env = collectors.has('env') ? parseExportP(tags.get('env') ?? []) : {};
  if (collectors.has('platform')) Object.assign(out, platformFacts(tags));
  if (collectors.has('distribution')) Object.assign(out, distributionFacts(tags));
  if (collectors.has('lsb')) out.lsb = lsbFacts(tags);
  if (collectors.has('service_mgr')) out.service_mgr = serviceMgrFact(tags);
  if (collectors.has('pkg_mgr')) out.pkg_mgr = pkgMgrFact(tags, String(out.os_family ?? ''));
  if (collectors.has('user')) Object.assign(out, userFacts(tags, env));
  if (collectors.has('date_time')) out.date_time = dateTimeFacts(tags);
  if (collectors.has('env')) out.env = env;
  if (collectors.has('dns')) out.dns = dnsFacts(tags);
  Object.assign(out, securityFacts(tags, collectors));
  if (collectors.has('python')) Object.assign(out, pythonFacts(tags));
  if (collectors.has('hardware')) Object.assign(out, hardwareFacts(tags, String(out.architecture ?? '')));
  if (collectors.has('network')) for (const [k, v] of Object.entries(networkFacts(tags.get('net') ?? []))) setOwn(out, k, v);
  if (collectors.has('virtual')) Object.assign(out, virtualFacts(tags));
  return out;
}

/**
 * Where a task's returned `ansible_facts` go, as in Ansible's strategy: set_fact's are host variables
 * (above play vars) and, with `cacheable`, facts too; any other module's (setup) are facts. Each loop
 * item's count. `_ansible_facts_cacheable` is removed from what the task registers.
 */
export function storeReturnedFacts(module: string, registered: Vars, facts: Vars, hostVars: Vars): void {
  // include_vars's are variables of their own level (engine/executor/includedVars.ts), never facts.
  if (module === 'debug' || module === 'include_vars') return;
  const items = Array.isArray(registered.results) ? (registered.results as unknown[]) : [registered];
  for (const item of items) {
    if (!item || typeof item !== 'object') continue;
    const r = item as Vars;
    const returned = r.ansible_facts;
    if (!returned || typeof returned !== 'object' || Array.isArray(returned)) continue;
    const cacheable = r._ansible_facts_cacheable === true;
    delete r._ansible_facts_cacheable;
    if (module === 'set_fact') assignEach(hostVars, returned as Vars);
    if (module !== 'set_fact' || cacheable) assignEach(facts, returned as Vars);
  }
}

function assignEach(target: Vars, source: Vars): void {
  for (const [k, v] of Object.entries(source)) setOwn(target, k, v);
  namespaced.delete(target);
}

/** Adds gathered or returned facts to a host's facts. Every write to them goes through here or storeReturnedFacts. */
export function addFacts(target: Vars, source: Vars): void {
  assignEach(target, source);
}

// Each host's ansible_facts view, made again only after its facts changed: every task's variables carry
// it, and a copy per host and task was a large share of the controller's garbage.
const namespaced = new WeakMap<Vars, Vars>();

/** `ansible_` before each name, as the setup module returns facts. */
export function prefixFacts(facts: Vars): Vars {
  const out: Vars = {};
  for (const [k, v] of Object.entries(facts)) setOwn(out, k.startsWith('ansible_') ? k : `ansible_${k}`, v);
  return out;
}

/** The `ansible_facts` view of a host's facts: each name without its `ansible_` prefix (Ansible's namespace_facts). */
export function namespaceFacts(stored: Vars): Vars {
  const known = namespaced.get(stored);
  if (known) return known;
  const out: Vars = {};
  for (const [k, v] of Object.entries(stored)) setOwn(out, k.startsWith('ansible_') && k !== 'ansible_local' ? k.slice(8) : k, v);
  // Shared by every task until the facts change (nothing writes into a task's variables).
  namespaced.set(stored, out);
  return out;
}

/**
 * setup's `filter`: shell-style patterns matched against the prefixed names, or with `ansible_` put in
 * front of a pattern that lacks it (Ansible's AnsibleFactCollector._filter). No pattern keeps all.
 */
export function filterFacts(facts: Vars, filter: readonly string[]): Vars {
  if (filter.length === 0 || filter.includes('*')) return facts;
  const patterns = filter.flatMap((f) => (f.startsWith('ansible_') ? [glob(f)] : [glob(f), glob(`ansible_${f}`)]));
  const out: Vars = {};
  for (const [k, v] of Object.entries(facts)) if (patterns.some((p) => p.test(k))) setOwn(out, k, v);
  return out;
}

// fnmatch: *, ?, [seq], [!seq]
function glob(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[' && pattern.indexOf(']', i + 2) > 0) {
      const end = pattern.indexOf(']', i + 2);
      const body = pattern.slice(i + 1, end);
      re += `[${body.startsWith('!') ? `^${body.slice(1)}` : body.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}
