// Reads the state of one systemd unit in one remote command: `systemctl show`, `is-enabled` and the mask links.
import { shellQuote } from '../../engine/quote.ts';

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

/** Directories where a `/dev/null` link masks a unit (persistent, then runtime). */
export const MASK_DIRS = ['/etc/systemd/system', '/run/systemd/system'] as const;

const SUFFIXES = ['service', 'socket', 'device', 'mount', 'automount', 'swap', 'target', 'path', 'timer', 'slice', 'scope'];

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
  /** Enablement links under /etc/systemd/system/*.wants and *.requires. */
  wantedBy: string[];
  /** Loaded units that systemd says need a daemon-reload (probed only when asked for). */
  staleUnits: string[];
}

/** The full unit name: `.service` is implied when the name has no unit-type suffix, as systemctl does. */
export function unitName(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 && SUFFIXES.includes(name.slice(dot + 1)) ? name : `${name}.service`;
}

/** Shell lines printing the loaded units that need a daemon-reload, one `@stale=<unit>` line each. */
export function staleUnitsCommand(): string {
  return `all=$(systemctl show -p Id,NeedDaemonReload -- '*') || exit\nprintf '%s\\n\\n' "$all" | awk -F= '$1=="Id"{id=$2} $1=="NeedDaemonReload"{n=$2} /^$/{if(n=="yes")print "@stale=" id; id=""; n=""} END{if(n=="yes")print "@stale=" id}'`;
}

/** The read-only probe of one unit; `withStaleUnits` also lists every loaded unit that needs a daemon-reload. */
export function probeCommand(unit: string, withStaleUnits: boolean): string {
  return [
    `u=${shellQuote(unit)}`,
    `systemctl show -p ${SHOWN_PROPERTIES.join(',')} -- "$u" || exit`,
    `printf '@is-enabled=%s\\n' "$(systemctl is-enabled -- "$u" 2>/dev/null)"`,
    ...MASK_DIRS.map((d) => `printf '@link=%s=%s\\n' ${d}/"$u" "$(readlink -- ${d}/"$u")"`),
    `for l in /etc/systemd/system/*.wants/"$u" /etc/systemd/system/*.requires/"$u"; do if [ -L "$l" ]; then printf '@wanted=%s\\n' "$l"; fi; done`,
    ...(withStaleUnits ? [staleUnitsCommand()] : []),
    'true',
  ].join('\n');
}

/** Parses the output of probeCommand. */
export function parseProbe(unit: string, output: string): UnitStatus {
  const properties: Record<string, string> = {};
  const maskLinks: string[] = [];
  const wantedBy: string[] = [];
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
    else if (!key.startsWith('@')) properties[key] = value;
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
    wantedBy,
    staleUnits: parseStaleUnits(output),
  };
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
