// Reads the state of one systemd unit in one remote command: `systemctl show`, `is-enabled` and the mask links
// (or, for daemon_reload alone, the loaded units that need a reload); check mode reads it through the
// predicted state (predict.ts).
import { read, type ModuleView, type Probe } from '../../engine/module.ts';
import { shellQuote } from '../../engine/quote.ts';
import { unitName } from '../../engine/unitName.ts';
import { predictStaleList, predictStatus } from './predict.ts';
import type { SystemdArgs } from './schema.ts';
import type { SystemdFacts } from './types.ts';
import { MASK_DIRS, UNIT_DIRS } from '../lib/unitDirs.ts';
import { parseReexec, reexecProbe, SCOPED_UNITS, type Scope, scopeOf } from './scope.ts';
import { overlayScoped, scopeDirs, scopedFiles } from './scopeCheck.ts';

export { MASK_DIRS, UNIT_DIRS };

/** The unit properties the probe reads with `systemctl show`; they are returned as `status`. */
export const SHOWN_PROPERTIES = [
  'LoadState',
  'ActiveState',
  'SubState',
  'UnitFileState',
  'FragmentPath',
  'MainPID',
  'ActiveEnterTimestamp',
  'NeedDaemonReload',
  'CanReload',
  'LoadError',
] as const;

// Units that stop along with this one (their Requires=, BindsTo= or PartOf= name it); read by the probe only.
const STOPS_WITH = ['RequiredBy', 'BoundBy', 'ConsistsOf'] as const;

/** What the probe learned about one unit. */
export interface UnitStatus {
  unit: string;
  /** Raw `systemctl show` properties (the manager's view; may be stale until a daemon-reload). */
  properties: Record<string, string>;
  loadState: string;
  activeState: string;
  mainPid: number;
  needDaemonReload: boolean;
  canReload: boolean;
  loadError: string;
  /** `systemctl is-enabled`, computed from the files on disk ('' when no unit file exists). */
  unitFileState: string;
  /** Paths in MASK_DIRS that are links to /dev/null. */
  maskLinks: string[];
  /** The installation links `systemctl is-enabled --full` lists after the state (its own and its Also= units'). */
  installLinks: string[];
  /** Enablement links under /etc/systemd/system/*.wants and *.requires. */
  wantedBy: string[];
  /** Loaded units that systemd says need a daemon-reload (probed only when asked for). */
  staleUnits: string[];
  /** Unit files of this name on the search path (UNIT_DIRS), /dev/null mask links excluded. */
  unitFiles: string[];
  /** Units that systemd stops along with this one (RequiredBy=, BoundBy=, ConsistsOf=). */
  stopsWith: string[];
  /** Loaded units and their fragment paths (probed in check mode along with staleUnits). */
  fragments: Array<{ unit: string; path: string }>;
}

/** The full unit name (one implementation, shared with check mode's predicted units). */
export { unitName };

/** The module's probe: one read, of the unit or (daemon_reload / daemon_reexec alone) of the manager. */
export function* probeSystemd(args: SystemdArgs, view: ModuleView): Probe<SystemdFacts> {
  const backend = refusedBackend(args.use);
  if (backend) return { kind: 'refused', msg: backend };
  const scope = scopeOf(args.scope);
  const system = scope.name === 'system';
  const wantReexec = args.daemon_reexec === true && scope.hasManager;
  if (args.name === undefined) {
    if (args.daemon_reload !== true && args.daemon_reexec !== true) return { kind: 'no-unit' };
    const reload = args.daemon_reload === true && scope.hasManager;
    const command = [
      ...scope.prelude,
      ...(reload ? [staleUnitsCommand(system && fragmentsNeeded(view), scope)] : []),
      ...(wantReexec ? [reexecProbe(scope)] : []),
      'true',
    ].join('\n');
    const r = yield* read({ command });
    if (r.exitCode !== 0) return { kind: 'unreadable', msg: `cannot list units: ${r.stderr.trim() || `exit ${r.exitCode}`}` };
    const hostStale = parseStaleUnits(r.stdout);
    return {
      kind: 'reload',
      scope: scope.name,
      stale: view.check && system ? predictStaleList(hostStale, { fragments: parseFragments(r.stdout) }, view.predicted) : hostStale,
      reexec: wantReexec && reexecDue(r.stdout, scope, view),
    };
  }
  const unit = unitName(args.name);
  const opaque = view.check ? view.predicted.opaqueTask() : undefined;
  const r = yield* read({
    command: probeCommand(unit, args.daemon_reload === true && scope.hasManager, system && fragmentsNeeded(view), scope, wantReexec),
  });
  if (r.exitCode !== 0) return { kind: 'unreadable', msg: `cannot read the state of ${unit}: ${r.stderr.trim() || `exit ${r.exitCode}`}` };
  const probed = parseProbe(unit, r.stdout, scope);
  const reexec = wantReexec && reexecDue(r.stdout, scope, view);
  if (!system) {
    // User and global units: check mode reads the unit's files as earlier tasks would leave them, then
    // the earlier plans of this module (SCOPED_UNITS).
    const facts = { kind: 'unit' as const, unit, scope: scope.name, reexec, status: probed, ...(opaque ? { opaqueTask: opaque } : {}) };
    if (!view.check) return facts;
    const dirs = scopeDirs(scope, r.stdout);
    const onDisk = scopedFiles(probed, dirs, view);
    if (typeof onDisk === 'string') return { ...facts, unpredictable: onDisk };
    return { ...facts, status: overlayScoped(onDisk, view.predicted.slot(SCOPED_UNITS).get(`${scope.name}:${unit}`), dirs[0] ?? '') };
  }
  const status = view.check ? predictStatus(probed, view.predicted) : probed;
  // predictStatus returns the probe itself when no earlier prediction touches the unit.
  const since = view.check && status !== probed ? view.predicted.opaqueSinceUnit(unit) : undefined;
  return {
    kind: 'unit',
    unit,
    scope: scope.name,
    reexec,
    status,
    ...(opaque ? { opaqueTask: opaque } : {}),
    ...(since ? { opaqueSince: since } : {}),
  };
}

/** Why `use` (the service module's backend) cannot be honoured, if it cannot: only systemd is here. */
export function refusedBackend(use: string | undefined): string | undefined {
  if (use === undefined || use === 'auto' || use === 'systemd' || use === 'ansible.builtin.systemd') return undefined;
  return `use: ${use}: fleetplay's service module has the systemd backend only (use: auto or systemd)`;
}

/** Whether a daemon-reexec is due: the probe's answer, unless an earlier plan of the run (check mode) re-executed the manager. */
function reexecDue(output: string, scope: Scope, view: ModuleView): boolean {
  if (view.check && view.predicted.slot(SCOPED_UNITS).has(`${scope.name}:@reexec`)) return false;
  return parseReexec(output);
}

/**
 * Check mode needs every loaded unit's file only when an earlier task would change something in the
 * unit directories (predictedStaleUnits compares them); otherwise the host's own staleness is all.
 */
function fragmentsNeeded(view: ModuleView): boolean {
  return view.check && UNIT_DIRS.some((d) => view.predicted.hasFileUnder(d));
}

/**
 * Shell lines printing the loaded units that need a daemon-reload, one `@stale=<unit>` line each; with
 * `withFragments` (check mode) also `@frag=<unit>\t<unit file>` for every loaded unit with a unit file.
 */
export function staleUnitsCommand(withFragments = false, scope: Scope = scopeOf('system')): string {
  if (!scope.hasManager) return '';
  const systemctl = scope.systemctl;
  const busctl = scope.name === 'user' ? 'busctl --user' : 'busctl';
  const frag = withFragments ? ' if(f!="")print "@frag=" id "\\t" f;' : '';
  const props = withFragments ? 'Id,NeedDaemonReload,FragmentPath' : 'Id,NeedDaemonReload';
  // One record per unit; a new Id also ends the record before it (xargs may split the names over runs).
  const flush = `if(n=="yes")print "@stale=" id;${frag} id=""; n=""; f=""`;
  const report = `awk -F= '$1=="Id"{if(id!=""){${flush}} id=$2} $1=="NeedDaemonReload"{n=$2} $1=="FragmentPath"{f=$2} /^$/{if(id!=""){${flush}}} END{if(id!=""){${flush}}}'`;
  const scan = `all=$(${systemctl} show -p ${props} -- '*') || exit\nprintf '%s\\n\\n' "$all" | ${report}`;
  if (withFragments) return scan;
  // Asking every loaded unit costs 70 ms idle and over 1 s on a busy node (systemctl fetches all of a
  // unit's properties). A unit can only need a reload if its files changed (ctime) since systemd last
  // loaded its units, so only those units are asked (changedUnitsCommand), and only when something changed
  // (or when this systemd does not say when that was: then every unit). UnitsLoadTimestamp (µs) is taken
  // as a reload starts; 5 ms of slack cover coarse file timestamps.
  return [
    `t=$(${busctl} get-property org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager UnitsLoadTimestamp 2>/dev/null); t=\${t#t }`,
    // The microseconds are zero-padded by arithmetic (a `$(printf …)` would fork).
    `case $t in ''|0|*[!0-9]*) changed=unknown ;; *) t=$((t - 5000)); us=$((t % 1000000 + 1000000)); changed=$(find ${scope.unitDirs.join(' ')} -newerct "@$((t / 1000000)).\${us#1}" 2>/dev/null) ;; esac`,
    `if [ "$changed" = unknown ]; then\n${scan}\nelif [ -n "$changed" ]; then`,
    changedUnitsCommand(scope),
    `fi`,
  ].join('\n');

  function changedUnitsCommand(sc: Scope): string {
    const dirs = sc.unitDirs.join(' ');
    // Units whose files may be gone: loaded units with no file of their name (or template) on the search
    // path, generated and transient units excepted. Devices and scopes never have files.
    const fileDirs = `${dirs} ${sc.name === 'system' ? GENERATED_DIRS.join(' ') : ''}`.trim();
    const orphans = [
      `${systemctl} list-units --all --plain --no-legend --full 2>/dev/null | awk '{u=$1; l=$2} u=="●"{u=$2; l=$3} l=="loaded" && u !~ /[.](device|scope)$/ {print u}' |`,
      `  while IFS= read -r u; do f=$u; case $u in *@?*.*) f=\${u%%@*}@.\${u##*.} ;; esac`,
      `    for d in ${fileDirs}; do if [ -e "$d/$u" ] || [ -e "$d/$f" ]; then continue 2; fi; done; printf '%s\\n' "$u"; done`,
    ].join('\n');
    return [
      `names=$(printf '%s\\n' "$changed" | awk -v dirs="$(printf '%s\\n' ${dirs})" '${CLASSIFY_CHANGED}')`,
      'case $names in *@all*)',
      scan,
      ';; *)',
      "{ printf '%s\\n' \"$names\" | grep -v '^@'",
      `  case $names in *@orphans*) ${orphans} ;; esac`,
      `  printf '%s\\n' "$names" | sed -n 's/^@template=//p' | while IFS= read -r p; do ${systemctl} list-units --all --plain --no-legend --full -- "$p" 2>/dev/null | awk '{print ($1=="●" ? $2 : $1)}'; done`,
      `} | sort -u | xargs -r -d '\\n' ${systemctl} show -p Id,NeedDaemonReload -- | ${report}`,
      ';; esac',
    ].join('\n');
  }
}

/** Where generators and transient units put unit files (not on UNIT_DIRS, but files all the same). */
const GENERATED_DIRS = ['/run/systemd/generator', '/run/systemd/generator.early', '/run/systemd/generator.late', '/run/systemd/transient'];

/**
 * awk over changed paths under the unit directories (`dirs`, one a line), printing the units they
 * concern: a unit file or alias link (its name); a drop-in or drop-in directory (the unit it extends, or
 * `@template=foo@*.service` for a template, whose loaded instances are asked); `@orphans` when a unit
 * directory itself changed (a file may have been removed: loaded units without files are asked); `@all`
 * for what has no one unit (type-wide and prefix drop-ins, a path outside the directories): then every
 * unit is asked. Enablement links (`.wants/`, `.requires/`) and other files make no unit need a reload.
 */
const CLASSIFY_CHANGED = [
  'function emit(r) {',
  '  if (r !~ /.[.](service|socket|target|mount|automount|swap|timer|path|slice)$/) return',
  '  if (r ~ /-[.][a-z]+$/) { print "@all"; return }',
  '  if (r ~ /@[.][a-z]+$/) { sub(/@[.]/, "@*.", r); print "@template=" r; return }',
  '  print r',
  '}',
  'BEGIN { n = split(dirs, D, "\\n") }',
  '{',
  '  hit = 0',
  '  for (i = 1; i <= n; i++) {',
  '    if ($0 == D[i]) { hit = 1; rel = ""; break }',
  '    if (index($0, D[i] "/") == 1) { hit = 1; rel = substr($0, length(D[i]) + 2); break }',
  '  }',
  '  if (!hit) { print "@all"; next }',
  '  if (rel == "") { print "@orphans"; next }',
  '  k = split(rel, P, "/")',
  '  if (k > 2) next',
  '  if (P[1] ~ /[.]d$/) { u = substr(P[1], 1, length(P[1]) - 2); if (u !~ /[.]/) print "@all"; else emit(u); next }',
  '  if (k == 1) emit(rel)',
  '}',
].join('\n');

/**
 * The read-only probe of one unit; `withStaleUnits` also lists every loaded unit that needs a
 * daemon-reload (and, with `withFragments`, every loaded unit's file: check mode's view of staleness).
 */
export function probeCommand(
  unit: string,
  withStaleUnits: boolean,
  withFragments = false,
  scope: Scope = scopeOf('system'),
  reexec = false,
): string {
  const sc = scope.systemctl;
  return [
    ...scope.prelude,
    `u=${shellQuote(unit)}`,
    // `global` has no running manager to ask: only its files (parseProbe derives the load state).
    ...(scope.hasManager ? [`${sc} show -p ${[...SHOWN_PROPERTIES, ...STOPS_WITH].join(',')} -- "$u" || exit`] : []),
    // --full adds the unit's installation links, one a line, after its state: Ansible reads an `indirect`
    // or `alias` unit as enabled only when is-enabled lists such links (see decide.ts).
    `${sc} is-enabled --full -- "$u" 2>/dev/null | { IFS= read -r s; printf '@is-enabled=%s\\n' "$s"; while read -r l; do printf '@install=%s\\n' "$l"; done; }`,
    // readlink runs only for symbolic links: each `$(…)` is a process, and most unit files are plain files.
    ...scope.maskDirs.map((d) => `if [ -L ${d}/"$u" ]; then printf '@link=%s=%s\\n' ${d}/"$u" "$(readlink -- ${d}/"$u")"; fi`),
    `for d in ${scope.unitDirs.join(' ')}; do if [ -e "$d/$u" ] && { [ ! -L "$d/$u" ] || [ "$(readlink -- "$d/$u")" != /dev/null ]; }; then printf '@unitfile=%s\\n' "$d/$u"; fi; done`,
    `for l in ${scope.wantsDir}/*.wants/"$u" ${scope.wantsDir}/*.requires/"$u"; do if [ -L "$l" ]; then printf '@wanted=%s\\n' "$l"; fi; done`,
    ...(scope.name === 'user' ? [`printf '@home=%s\\n@runtime=%s\\n' "$HOME" "$XDG_RUNTIME_DIR"`] : []),
    ...(withStaleUnits ? [staleUnitsCommand(withFragments, scope)] : []),
    ...(reexec ? [reexecProbe(scope)] : []),
    'true',
  ].join('\n');
}

/** Parses the output of probeCommand. */
export function parseProbe(unit: string, output: string, scope: Scope = scopeOf('system')): UnitStatus {
  const properties: Record<string, string> = {};
  const maskLinks: string[] = [];
  const wantedBy: string[] = [];
  const installLinks: string[] = [];
  const unitFiles: string[] = [];
  const stopsWith: string[] = [];
  let unitFileState = '';
  for (const line of output.split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    if (key === '@is-enabled') unitFileState = value.trim();
    else if (key === '@link') {
      const sep = value.lastIndexOf('=');
      if (value.slice(sep + 1) === '/dev/null') maskLinks.push(value.slice(0, sep));
    } else if (key === '@wanted') wantedBy.push(value);
    else if (key === '@install') installLinks.push(value);
    else if (key === '@unitfile') unitFiles.push(value);
    else if ((STOPS_WITH as readonly string[]).includes(key)) stopsWith.push(...value.split(' ').filter(Boolean));
    else if (!key.startsWith('@')) properties[key] = value;
  }
  if (!scope.hasManager) {
    // `global`: no manager; the files say whether the unit exists and is masked.
    properties.LoadState = maskLinks.length ? 'masked' : unitFiles.length ? 'loaded' : 'not-found';
    properties.ActiveState = 'inactive';
    properties.UnitFileState = unitFileState;
  }
  return {
    unit,
    properties,
    loadState: properties.LoadState ?? '',
    activeState: properties.ActiveState ?? '',
    mainPid: Number(properties.MainPID ?? 0),
    needDaemonReload: properties.NeedDaemonReload === 'yes',
    canReload: properties.CanReload === 'yes',
    loadError: properties.LoadError ?? '',
    unitFileState,
    maskLinks,
    installLinks,
    wantedBy,
    staleUnits: parseStaleUnits(output),
    unitFiles,
    stopsWith,
    fragments: parseFragments(output),
  };
}

/** The units and unit files named by `@frag=` lines. */
export function parseFragments(output: string): Array<{ unit: string; path: string }> {
  return output
    .split('\n')
    .filter((l) => l.startsWith('@frag='))
    .map((l) => l.slice('@frag='.length).split('\t'))
    .map(([unit = '', path = '']) => ({ unit, path }));
}

/** The units named by `@stale=` lines. */
export function parseStaleUnits(output: string): string[] {
  return output
    .split('\n')
    .filter((l) => l.startsWith('@stale='))
    .map((l) => l.slice('@stale='.length));
}

/** Parses plain `systemctl show` output (the status printed after apply). */
export function parseShow(output: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of output.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0 && !line.startsWith('@')) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}
