// The parts of an apt decision beyond named packages: `deb`'s version check, clean and autoclean, the
// options apply needs, and upgrades check mode cannot simulate after an earlier task's predicted packages.
import type { Decision, ModuleView } from '../../engine/module.ts';
import type { ChangeSummary } from '../../engine/module.ts';
import type { DiffEntry } from '../../engine/types.ts';
import type { AptAction } from './aptGet.ts';
import type { AptWork } from './apply.ts';
import { debAction } from './deb.ts';
import { isInstalled } from './dpkg.ts';
import { hasEarlierPackageChanges } from './predict.ts';
import type { AptProbe } from './probe.ts';
import type { AptRequest } from './request.ts';
import type { AptChange } from './types.ts';

/** What `deb` needs: nothing (the version is installed), the install, or a failure (Ansible's checks). */
export function debNeeded(
  req: AptRequest,
  probe: AptProbe,
): { kind: 'needed'; action: AptAction | undefined } | Extract<Decision<AptChange>, { kind: 'failed' }> {
  const deb = probe.deb;
  if (!deb || deb.error !== undefined) return { kind: 'failed', msg: deb?.error ?? 'the .deb was not read' };
  const installed = probe.dpkg.packages.get(deb.name);
  if (isInstalled(installed) && installed?.version === deb.version) return { kind: 'needed', action: undefined };
  if (deb.older && !req.allowDowngrade)
    return {
      kind: 'failed',
      msg: `a later version of ${deb.name} is already installed (${installed?.version ?? '?'}; the .deb has ${deb.version}); allow_downgrade: true installs it anyway`,
    };
  return { kind: 'needed', action: debAction(req) };
}

/**
 * Check mode: apt-get upgrade, dist-upgrade and build-dep take no `pkg-`/`pkg+` arguments, so their
 * simulation cannot start from the packages an earlier task would have changed: the outcome is unknown.
 */
export function upgradeAfterPredicted(req: AptRequest, view: Pick<ModuleView, 'check' | 'predicted'>): string | undefined {
  if (!view.check || !hasEarlierPackageChanges(view.predicted)) return undefined;
  if (req.upgrade)
    return `an earlier task changes packages on this host, and apt-get -s ${req.upgrade === 'dist' ? 'dist-upgrade' : 'upgrade'} can only simulate from the packages installed now, so what the upgrade would do is unknown`;
  if (req.state === 'build-dep' && req.packages.length)
    return 'an earlier task changes packages on this host, and apt-get -s build-dep can only simulate from the packages installed now, so what it would install is unknown';
  return undefined;
}

/** clean and autoclean: what they add to the plan. */
export interface CleanupPlan {
  clean: boolean;
  /** The package files `apt-get -s autoclean` would delete. */
  autoclean: string[];
  msg: string[];
  diff: DiffEntry[];
  summary: ChangeSummary[];
  failed?: string;
}

/**
 * clean (apt-get clean) is a change every time, as Ansible reports it; autoclean (only without named
 * packages, as in Ansible) is a change when its simulation lists package files to delete ("Del" lines).
 */
export function cleanupPlan(req: AptRequest, probe: AptProbe): CleanupPlan {
  const plan: CleanupPlan = { clean: req.clean, autoclean: [], msg: [], diff: [], summary: [] };
  if (req.clean) {
    plan.msg.push('clear the local repository of retrieved package files (apt-get clean)');
    plan.summary.push({ verb: 'clean', object: 'the apt package cache', named: true });
  }
  const ac = probe.autoclean;
  if (ac && ac.rc !== 0) return { ...plan, failed: `apt-get -s autoclean failed (exit ${ac.rc}): ${ac.err.trim()}` };
  if (ac) {
    plan.autoclean = ac.out
      .split('\n')
      .filter((l) => l.startsWith('Del '))
      .map((l) => l.split(' ').slice(1, 3).join(' '));
    if (plan.autoclean.length) {
      const n = plan.autoclean.length;
      plan.msg.push(
        `autoclean: delete ${n} package file${n === 1 ? '' : 's'} that can no longer be downloaded: ${plan.autoclean.join(', ')}`,
      );
      plan.diff.push({ header: 'apt archives (autoclean)', before: plan.autoclean.join('\n'), after: '' });
      plan.summary.push({ verb: 'autoclean', object: 'the apt package cache', named: true });
    }
  }
  return plan;
}

/** The options apply takes from the request. */
export function workOptions(req: AptRequest): Omit<AptWork, 'update'> {
  return {
    lockTimeout: req.lockTimeout,
    dpkgOptions: req.dpkgOptions,
    updateRetries: req.updateRetries,
    updateMaxDelay: req.updateMaxDelay,
    ...(req.policyRcD !== undefined ? { policyRcD: req.policyRcD } : {}),
  };
}
