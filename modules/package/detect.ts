// Which package manager a host has, the way Ansible's package action plugin decides it: the task's
// `use`, else the `ansible_package_use` variable, else the gathered `ansible_facts.pkg_mgr`, else a
// fact read of pkg_mgr alone (Ansible runs setup with gather_subset '!all' and filter 'ansible_pkg_mgr').
import { read, type Probe } from '../../engine/module.ts';
import { factsRead } from '../../engine/executor/facts.ts';
import type { Vars } from '../../engine/types.ts';
import type { PackageArgs } from './schema.ts';

/** A host's package manager (Ansible's pkg_mgr name: apt, dnf, yum, zypper, apk, pacman, unknown, ...) and where it came from. */
export interface Manager {
  name: string;
  /** For messages: "the task's `use`", "gathered facts", ... */
  source: string;
  /** The host's distribution, when the read found it (for messages). */
  distribution?: string;
}

/** Why the package task reads nothing more: the detection read could not run, or the arguments are refused. */
export interface DetectFailure {
  error: string;
}

function own(v: unknown, key: string): unknown {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.hasOwn(v, key) ? (v as Vars)[key] : undefined;
}

function nonEmpty(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' && v !== 'auto' ? v : undefined;
}

/** The package manager known without reading the host: `use`, `ansible_package_use`, gathered facts. */
export function knownManager(args: Pick<PackageArgs, 'use'>, vars: Vars): Manager | undefined {
  const use = nonEmpty(args.use);
  if (use) return { name: use, source: "the task's `use` argument" };
  const configured = nonEmpty(own(vars, 'ansible_package_use'));
  if (configured) return { name: configured, source: 'the variable ansible_package_use' };
  const facts = own(vars, 'ansible_facts');
  const gathered = nonEmpty(own(facts, 'pkg_mgr'));
  if (gathered) {
    const distribution = own(facts, 'distribution');
    return {
      name: gathered,
      source: 'gathered facts (ansible_facts.pkg_mgr)',
      ...(typeof distribution === 'string' && distribution ? { distribution } : {}),
    };
  }
  return undefined;
}

/**
 * Reads the host's pkg_mgr fact (one read-only command), as Ansible's package action does when facts were
 * not gathered: for each task (and loop item). It is not remembered for later tasks: a delegated task
 * reads its delegate, and the module cannot tell the two apart.
 */
export function* detectManager(): Probe<Manager | DetectFailure> {
  const r = factsRead({ subset: ['!all', '!min', 'pkg_mgr'], timeout: 10 });
  return yield* read<Manager | DetectFailure>({
    command: r.command,
    timeoutMs: r.timeoutMs,
    parse: (x) => {
      if (x.timedOut) return { error: 'package: reading the package manager (pkg_mgr fact) timed out after 10 s' };
      if (x.exitCode !== 0)
        return { error: `package: reading the package manager (pkg_mgr fact) failed: ${x.stderr.trim() || `exit ${x.exitCode}`}` };
      const facts = r.parse(x.stdout);
      const distribution = facts.ansible_distribution;
      return {
        name: String(facts.ansible_pkg_mgr ?? 'unknown'),
        source: 'the host (pkg_mgr fact)',
        ...(typeof distribution === 'string' && distribution && distribution !== 'NA' ? { distribution } : {}),
      };
    },
  });
}
