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
import { debFetchLines } from './deb.ts';
import type { DebSource } from './request.ts';

/** What to do on the host. */
export interface AptWork {
  update: boolean;
  action?: AptAction;
  lockTimeout: number;
  /** dpkg_options, each passed as `-o Dpkg::Options::=--<option>` (default force-confdef, force-confold). */
  dpkgOptions?: string[];
  /** update_cache_retries (tries, at least one) and update_cache_retry_max_delay (seconds). */
  updateRetries?: number;
  updateMaxDelay?: number;
  /** policy_rc_d: /usr/sbin/policy-rc.d exits with this code while apt-get runs (an existing one is put back after). */
  policyRcD?: number;
  /** apt-get clean, first (as in Ansible). */
  clean?: boolean;
  /** apt-get autoclean. */
  autoclean?: boolean;
  /** The .deb the action installs as ./package.deb from a temporary directory (deb.ts). */
  deb?: DebSource;
}

// apt-get update does not honour DPkg::Lock::Timeout for the lists lock, so wait for it here. Other failures
// are tried again `retries` times in all, pausing 2^n seconds (at most maxDelay) in between, as Ansible does.
// An index that fails to download is a failure though apt-get exits 0 (`W: Failed to fetch …`): Ansible's
// update (python-apt's cache.update) raises on it.
export function updateFunction(lockTimeout: number, retries: number, maxDelay: number): string {
  return [
    'fp_update() {',
    `  end=$(( $(date +%s) + ${lockTimeout} )); n=0`,
    '  while :; do',
    '    o=$(apt-get -q update 2>&1); c=$?',
    `    case $o in *'Failed to fetch'*) [ "$c" -ne 0 ] || c=100 ;; esac`,
    `    if [ "$c" -ne 0 ] && [ "$(date +%s)" -lt "$end" ] && printf '%s' "$o" | grep -q 'Could not get lock'; then sleep 1; continue; fi`,
    '    n=$((n + 1))',
    `    if [ "$c" -ne 0 ] && [ "$n" -lt ${Math.max(1, retries)} ]; then w=$((1 << (n - 1))); [ "$w" -le ${maxDelay} ] || w=${maxDelay}; sleep "$w"; continue; fi`,
    `    printf '%s\\n' "$o"; return "$c"`,
    '  done',
    '}',
  ].join('\n');
}

const POLICY = '/usr/sbin/policy-rc.d';

// Ansible's PolicyRcD: an existing policy-rc.d is moved aside and put back; a new one is removed after.
function policyLines(code: number): { before: string[]; after: string[] } {
  return {
    before: [
      `fp_prc=; if [ -e ${POLICY} ] || [ -L ${POLICY} ]; then fp_prc=$(mktemp -d /usr/sbin/.fleetplay-policy.XXXXXX) && mv -- ${POLICY} "$fp_prc/"; fi`,
      `printf '#!/bin/sh\\nexit %d\\n' ${code} > ${POLICY} && chmod 0755 ${POLICY}`,
    ],
    after: [`if [ -n "$fp_prc" ]; then mv -- "$fp_prc/policy-rc.d" ${POLICY} && rmdir -- "$fp_prc"; else rm -f -- ${POLICY}; fi`],
  };
}

/** The whole change as one script; the apt-get step only runs when the update (if any) succeeded. */
export function applyScript(work: AptWork): string {
  const lines = ['export LC_ALL=C', 'u=0', section('before', dpkgAllCommand())];
  if (work.clean) lines.push(section('clean', 'apt-get clean'), 'u=$r');
  if (work.update) {
    lines.push(updateFunction(work.lockTimeout, work.updateRetries ?? 5, work.updateMaxDelay ?? 12));
    lines.push('if [ "$u" = 0 ]; then', section('update', 'fp_update'), 'u=$r');
    lines.push(
      `if [ "$u" = 0 ]; then mkdir -p ${shellCommand(UPDATE_STAMP.replace(/\/[^/]+$/, ''))} && touch ${shellCommand(UPDATE_STAMP)}; fi`,
      'fi',
    );
  }
  const policy = work.policyRcD !== undefined ? policyLines(work.policyRcD) : undefined;
  if (work.action) {
    const apt = section('apt', applyCommand(work.action, work.lockTimeout, work.dpkgOptions));
    if (work.deb) lines.push('if [ "$u" = 0 ]; then', ...debFetchLines(work.deb), 'u=$r', 'fi');
    lines.push('if [ "$u" = 0 ]; then', ...(policy?.before ?? []), apt, ...(policy?.after ?? []), 'fi');
  }
  if (work.autoclean) lines.push('if [ "$u" = 0 ]; then', section('autoclean', 'apt-get -y autoclean'), 'u=$r', 'fi');
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
  // Ansible's words for an update whose indexes did not all download, with apt's lines saying which.
  const fetch = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^[WE]: Failed to fetch /.test(l));
  if (fetch.length) return `Failed to update apt cache: ${fetch.join('; ')}`;
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
  const clean = sections.get('clean');
  const fetch = sections.get('fetch');
  const autoclean = sections.get('autoclean');
  const updated = update?.rc === 0;
  const data = {
    packages: changes,
    cache_updated: updated,
    ...(updated ? { cache_update_time: Number(values.get('now') ?? 0) } : {}),
    stdout: tail(apt?.out ?? update?.out ?? ''),
    stderr: tail(apt?.err ?? update?.err ?? ''),
  };
  const done = describeChanges(changes, 'past');
  if (clean && clean.rc !== 0) return { kind: 'failed', msg: failure('apt-get clean', clean, work.lockTimeout), data };
  if (fetch && fetch.rc !== 0) return { kind: 'failed', msg: `cannot get the .deb: ${fetch.err.trim() || `exit ${fetch.rc}`}`, data };
  if (update && update.rc !== 0) return { kind: 'failed', msg: failure('apt-get update', update, work.lockTimeout), data };
  if (work.action && !apt) return { kind: 'failed', msg: 'apt-get did not run', data };
  if (apt && apt.rc !== 0) {
    const partly = done.length ? ` (before failing it ${done.join('; ')})` : '';
    return { kind: 'failed', msg: `${failure(`apt-get ${work.action?.verb ?? ''}`.trim(), apt, work.lockTimeout)}${partly}`, data };
  }
  if (autoclean && autoclean.rc !== 0) return { kind: 'failed', msg: failure('apt-get autoclean', autoclean, work.lockTimeout), data };
  if (updated) done.unshift('updated the apt cache');
  if (clean) done.unshift('cleared the local repository of retrieved package files');
  const deleted = (autoclean?.out ?? '').split('\n').filter((l) => l.startsWith('Del ')).length;
  if (deleted) done.push(`autoclean deleted ${deleted} package file${deleted === 1 ? '' : 's'}`);
  if (changeCount(changes) === 0 && !updated && !clean && !deleted)
    return { kind: 'ok', msg: 'apt-get ran but no package changed state', data };
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
