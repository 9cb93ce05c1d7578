// The apt module's change: optional cache update, then the real apt-get, framed by two dpkg snapshots so
// the result names exactly the packages whose state changed. One round trip.
import { shellCommand } from '../../engine/quote.ts';
import type { ModuleHost } from '../../engine/module.ts';
import type { ApplyOutcome } from '../../engine/types.ts';
import { DPKG_FINGERPRINT, rememberNoop, type NoopCache } from './noopCache.ts';
import { aptErrors, applyCommand, lockHolder, type AptAction } from './aptGet.ts';
import { changeCount, comparePackages, dpkgAllCommand, parseDpkgQuery, type PackageChanges } from './dpkg.ts';
import { UPDATE_STAMP } from './cache.ts';
import { keyValue, parseScript, section, type SectionOutput } from './script.ts';

/** What to do on the host. */
export interface AptWork {
  update: boolean;
  action?: AptAction;
  lockTimeout: number;
}

// apt-get update does not honour DPkg::Lock::Timeout for the lists lock, so wait for it here.
function updateFunction(lockTimeout: number): string {
  return [
    'fp_update() {',
    `  end=$(( $(date +%s) + ${lockTimeout} ))`,
    '  while :; do',
    '    o=$(apt-get -q update 2>&1); c=$?',
    `    if [ "$c" -ne 0 ] && [ "$(date +%s)" -lt "$end" ] && printf '%s' "$o" | grep -q 'Could not get lock'; then sleep 1; continue; fi`,
    `    printf '%s\\n' "$o"; return "$c"`,
    '  done',
    '}',
  ].join('\n');
}

/** The whole change as one script; the apt-get step only runs when the update (if any) succeeded. */
export function applyScript(work: AptWork): string {
  const lines = ['export LC_ALL=C', 'u=0', section('before', dpkgAllCommand())];
  if (work.update) {
    lines.push(updateFunction(work.lockTimeout), section('update', 'fp_update'), 'u=$r');
    lines.push(
      `if [ "$u" = 0 ]; then mkdir -p ${shellCommand(UPDATE_STAMP.replace(/\/[^/]+$/, ''))} && touch ${shellCommand(UPDATE_STAMP)}; fi`,
    );
  }
  if (work.action) lines.push('if [ "$u" = 0 ]; then', section('apt', applyCommand(work.action, work.lockTimeout)), 'fi');
  // After a successful autoremove, nothing is left to autoremove: remember this dpkg state (noopCache.ts).
  if (work.action && (work.action.autoremove || work.action.verb === 'autoremove')) {
    lines.push(`if [ "$u" = 0 ] && [ "$r" = 0 ]; then ${keyValue('clean', DPKG_FINGERPRINT)}; fi`);
  }
  lines.push(section('after', dpkgAllCommand()), keyValue('now', '$(date +%s)'));
  return lines.join('\n');
}

/** Names and counts a PackageChanges for people: "removed 3 packages: a, b, c". */
export function describeChanges(c: PackageChanges, tense: 'past' | 'future'): string[] {
  const verbs = { installed: 'install', upgraded: 'upgrade', removed: 'remove', purged: 'purge' } as const;
  const out: string[] = [];
  for (const key of ['installed', 'upgraded', 'removed', 'purged'] as const) {
    const names = c[key];
    if (!names.length) continue;
    const verb = tense === 'past' ? key : verbs[key];
    out.push(`${verb} ${names.length} package${names.length === 1 ? '' : 's'}: ${names.join(', ')}`);
  }
  return out;
}

function tail(text: string, lines = 40): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function failure(step: string, s: SectionOutput, lockTimeout: number): string {
  const text = `${s.out}\n${s.err}`;
  const errors = aptErrors(text);
  const holder = lockHolder(text);
  if (holder && errors.some((e) => /lock/i.test(e))) return `${step}: could not get the lock within ${lockTimeout} s; ${holder}`;
  return `${step} failed (exit ${s.rc}): ${errors.join('; ') || tail(text, 5)}`;
}

/** Parses the apply script's output into the outcome: changed only if dpkg's state (or the cache) changed. */
export function applyOutcome(stdout: string, work: AptWork): ApplyOutcome {
  const { sections, values } = parseScript(stdout);
  const before = sections.get('before');
  const after = sections.get('after');
  if (!before || !after) return { kind: 'failed', msg: `apt: the script did not finish: ${tail(stdout, 5)}` };
  const changes = comparePackages(parseDpkgQuery(before.out), parseDpkgQuery(after.out), {
    purge: work.action?.purge === true || work.action?.verb === 'purge',
  });
  const update = sections.get('update');
  const apt = sections.get('apt');
  const updated = update?.rc === 0;
  const data = {
    packages: changes,
    cache_updated: updated,
    ...(updated ? { cache_update_time: Number(values.get('now') ?? 0) } : {}),
    stdout: tail(apt?.out ?? update?.out ?? ''),
    stderr: tail(apt?.err ?? update?.err ?? ''),
  };
  const done = describeChanges(changes, 'past');
  if (update && update.rc !== 0) return { kind: 'failed', msg: failure('apt-get update', update, work.lockTimeout), data };
  if (work.action && !apt) return { kind: 'failed', msg: 'apt-get did not run', data };
  if (apt && apt.rc !== 0) {
    const partly = done.length ? ` (before failing it ${done.join('; ')})` : '';
    return { kind: 'failed', msg: `${failure(`apt-get ${work.action?.verb ?? ''}`.trim(), apt, work.lockTimeout)}${partly}`, data };
  }
  if (updated) done.unshift('updated the apt cache');
  if (changeCount(changes) === 0 && !updated) return { kind: 'ok', msg: 'apt-get ran but no package changed state', data };
  return { kind: 'changed', msg: done.join('; '), data };
}

/** Runs the change on the host: one round trip. A clean autoremove is remembered in the run's no-op cache. */
export async function applyApt(host: ModuleHost, work: AptWork, noop: NoopCache): Promise<ApplyOutcome> {
  const r = await host.run(applyScript(work));
  const clean = parseScript(r.stdout).values.get('clean');
  const outcome = applyOutcome(r.stdout, work);
  if (clean && outcome.kind !== 'failed') rememberNoop(noop, host.name, clean);
  return outcome;
}
