// package: Ansible's generic package module. Like Ansible's action plugin it finds the host's package
// manager (detect.ts) and hands the task, minus `use`, to that manager's module. fleetplay has only apt:
// on an apt host every step is the apt module's own (probe, decide, apply and check mode's predict), on
// any other host the task fails naming the host's package manager.
import { defineModule, type Decision, type ModuleView, type Probe } from '../../engine/module.ts';
import { aptModule } from '../apt/index.ts';
import type { AptChange, AptFacts } from '../apt/types.ts';
import { detectManager, knownManager, type DetectFailure, type Manager } from './detect.ts';
import { packageSchema, toAptArgs, type PackageArgs } from './schema.ts';

/** What the probe found: the package manager, and on an apt host what apt's probe read; or why it read nothing. */
export type PackageFacts = { manager: Manager; apt?: AptFacts } | DetectFailure;

function* probePackage(args: PackageArgs, view: ModuleView): Probe<PackageFacts> {
  const manager = knownManager(args, view.vars) ?? (yield* detectManager());
  if ('error' in manager) return manager;
  if (manager.name !== 'apt') return { manager };
  return { manager, apt: yield* aptModule.probe(toAptArgs(args), view) };
}

/** The message for a host whose package manager is not apt. */
export function unsupportedManager(m: Manager): string {
  const host = m.distribution ? `this host (${m.distribution})` : 'this host';
  if (m.name === 'unknown')
    return `package: no package manager was found on ${host} (pkg_mgr is 'unknown', from ${m.source}); fleetplay's package module supports only apt`;
  return `package: ${host} uses the '${m.name}' package manager (from ${m.source}); fleetplay's package module supports only apt (Debian and Ubuntu hosts)`;
}

function decidePackage(args: PackageArgs, facts: PackageFacts, view: ModuleView): Decision<AptChange> {
  if ('error' in facts) return { kind: 'failed', msg: facts.error };
  if (!facts.apt) return { kind: 'failed', msg: unsupportedManager(facts.manager) };
  return aptModule.decide(toAptArgs(args), facts.apt, view);
}

/** The package module (`ansible.builtin.package`): apt's steps on apt hosts, a clear failure elsewhere. */
export const packageModule = defineModule<PackageArgs, PackageFacts, AptChange>({
  name: 'package',
  summary: "Install or remove packages with the host's package manager (apt).",
  runsOn: 'host',
  schema: packageSchema,
  probe: probePackage,
  decide: decidePackage,
  apply: (change, host) => {
    if (!aptModule.apply) throw new Error('the apt module has no apply step');
    return aptModule.apply(change, host);
  },
  predict: (decision, predicted, args) => aptModule.predict?.(decision, predicted, toAptArgs(args)),
});
