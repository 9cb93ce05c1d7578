// Check mode for user and global units (scope.ts): their unit files and mask links as earlier tasks
// would leave them, then what earlier plans of this module recorded (SCOPED_UNITS). The system scope's
// prediction is predict.ts's.
import type { ModuleView } from '../../engine/module.ts';
import type { UnitStatus } from './probe.ts';
import type { Scope, ScopedUnit } from './scope.ts';

/** The scope's unit directories as paths (a user's from the probe's $HOME and $XDG_RUNTIME_DIR). */
export function scopeDirs(scope: Scope, output: string): string[] {
  const home = /^@home=(.*)$/m.exec(output)?.[1] ?? '';
  const runtime = /^@runtime=(.*)$/m.exec(output)?.[1] ?? '';
  return scope.unitDirs
    .map((d) => d.replace('"$HOME', home).replace('"$XDG_RUNTIME_DIR', runtime).replace(/"$/, ''))
    .filter((d) => d.startsWith('/'));
}

/**
 * A user or global unit with the unit files and mask links earlier tasks would write or remove in the
 * scope's directories laid over the host's (a new unit file is loaded when first referenced); a string
 * says why that cannot be told.
 */
export function scopedFiles(s: UnitStatus, dirs: string[], view: ModuleView): UnitStatus | string {
  const paths = dirs.map((d) => `${d}/${s.unit}`);
  const known = paths.map((p) => [p, view.predicted.file(p)] as const).filter(([, f]) => f !== undefined);
  if (known.length === 0) return s;
  const maskLinks = paths.filter((p) => {
    const f = view.predicted.file(p);
    return f ? f.type === 'link' && f.target === '/dev/null' : s.maskLinks.includes(p);
  });
  const unitFiles = paths.filter((p) => {
    const f = view.predicted.file(p);
    return f ? f.type === 'file' || (f.type === 'link' && f.target !== '/dev/null') : s.unitFiles.includes(p);
  });
  const file = known.find(([, f]) => f?.type === 'file')?.[1];
  if (unitFiles.length > 0 && s.unitFiles.length === 0 && file?.type === 'file' && file.content === undefined)
    return `an earlier task would write ${s.unit} with content not known in advance; cannot tell whether it can be enabled`;
  const masked = maskLinks.length > 0;
  const content = file?.type === 'file' ? file.content : undefined;
  const unitFileState = masked
    ? 'masked'
    : unitFiles.length === 0
      ? ''
      : s.unitFileState && !s.unitFileState.startsWith('masked')
        ? s.unitFileState
        : s.wantedBy.length > 0
          ? 'enabled'
          : content !== undefined && !/^\s*\[Install\]/m.test(content)
            ? 'static'
            : 'disabled';
  const loadState = masked ? 'masked' : unitFiles.length ? 'loaded' : 'not-found';
  const activeState = loadState === 'not-found' ? 'inactive' : s.activeState || 'inactive';
  return {
    ...s,
    properties: { ...s.properties, LoadState: loadState, ActiveState: activeState, UnitFileState: unitFileState, NeedDaemonReload: 'no' },
    maskLinks,
    unitFiles,
    unitFileState,
    loadState,
    activeState,
    needDaemonReload: false,
  };
}

/** A user or global unit with what an earlier plan of the run left laid over the host's status. */
export function overlayScoped(s: UnitStatus, u: ScopedUnit | undefined, firstDir: string): UnitStatus {
  if (!u) return s;
  const maskLinks = u.masked === false ? [] : u.masked === true && s.maskLinks.length === 0 ? [`${firstDir}/${s.unit}`] : s.maskLinks;
  const masked = maskLinks.length > 0;
  const unitFileState = masked
    ? 'masked'
    : u.enabled !== undefined
      ? u.enabled
        ? 'enabled'
        : 'disabled'
      : s.unitFileState.startsWith('masked')
        ? 'disabled'
        : s.unitFileState;
  const activeState = u.active !== undefined ? (u.active ? 'active' : 'inactive') : s.activeState;
  const loadState = masked ? 'masked' : s.loadState === 'masked' ? (s.unitFiles.length ? 'loaded' : 'not-found') : s.loadState;
  return {
    ...s,
    properties: { ...s.properties, LoadState: loadState, ActiveState: activeState, UnitFileState: unitFileState },
    maskLinks,
    unitFileState,
    activeState,
    loadState,
  };
}
