// The mount module's decision, from what probe read: pure. Ansible's main() state by state (ansible.posix mount.py).
import type { ChangeSummary, Decision } from '../../engine/module.ts';
import type { DiffEntry, ResultData } from '../../engine/types.ts';
import { escapeFstab, setMount, unsetMount, type FstabEdit } from './fstab.ts';
import type { MountChange, MountFacts, MountRequest, MountStatus } from './types.ts';

/** The result data Ansible returns: its args (name, src, fstype, opts, dump, passno, fstab, boot). */
export function mountData(req: MountRequest): ResultData {
  return {
    name: req.path,
    ...(req.src !== undefined ? { src: req.src } : {}),
    ...(req.fstype !== undefined ? { fstype: req.fstype } : {}),
    opts: req.opts,
    dump: req.dump,
    passno: req.passno,
    fstab: req.fstab,
    boot: req.boot ? 'yes' : 'no',
  };
}

/** The module's decision on the facts. */
export function decideModule(req: MountRequest, facts: MountFacts): Decision<MountChange> {
  if (facts.kind === 'unreadable') return { kind: 'failed', msg: facts.msg };
  if (facts.kind === 'unknown') return { kind: 'unknown', msg: facts.msg };
  return decideMount(req, facts.status);
}

/** What the fstab would hold with the entry set (present, mounted). */
function setEntry(req: MountRequest, s: MountStatus): FstabEdit {
  const entry = {
    src: escapeFstab(req.src ?? ''),
    path: escapeFstab(req.path),
    fstype: escapeFstab(req.fstype ?? ''),
    opts: escapeFstab(req.opts),
    dump: escapeFstab(req.dump),
    passno: escapeFstab(req.passno),
  };
  return setMount(s.fstabText, entry, req.src);
}

/** Decides what to do for one mount point. Pure. */
export function decideMount(req: MountRequest, s: MountStatus): Decision<MountChange> {
  const data = mountData(req);
  const { path, fstab } = req;
  const where = s.mounted ? 'mounted' : 'not mounted';
  const ok = (msg: string): Decision<MountChange> => ({ kind: 'ok', msg, data });
  const change = (c: Omit<MountChange, 'request' | 'status' | 'done' | 'diff'>): Decision<MountChange> => plan(req, s, c, data);
  // `none` is no directory: only the fstab line can be written or removed (a swap entry).
  if (path === 'none' && req.state !== 'present' && req.state !== 'absent' && req.state !== 'absent_from_fstab')
    return { kind: 'failed', msg: `path none names a swap line in ${fstab}: only state present, absent or absent_from_fstab apply`, data };
  switch (req.state) {
    case 'present': {
      const e = setEntry(req, s);
      return e.changed ? change({ fstab: e.text, mkdir: false, rmdir: false }) : ok(`${path} is in ${fstab} as asked`);
    }
    case 'absent_from_fstab': {
      const e = unsetMount(s.fstabText, path, req.src);
      return e.changed ? change({ fstab: e.text, mkdir: false, rmdir: false }) : ok(`${path} is not in ${fstab}`);
    }
    case 'absent': {
      // As Ansible: the unmount and the removal of the mount point happen only when an fstab line went.
      const e = unsetMount(s.fstabText, path, req.src);
      if (!e.changed) return ok(`${path} is not in ${fstab} (${where})`);
      return change({
        fstab: e.text,
        mkdir: false,
        rmdir: path !== 'none' && s.pathType !== 'absent',
        ...(s.mounted ? { action: 'unmount' } : {}),
      });
    }
    case 'unmounted':
      return s.mounted ? change({ mkdir: false, rmdir: false, action: 'unmount' }) : ok(`${path} is not mounted`);
    case 'mounted': {
      const e = setEntry(req, s);
      if (s.mounted) {
        // Mounted already: remounted when its fstab line changed (Ansible does not compare the live source).
        return e.changed
          ? change({ fstab: e.text, mkdir: false, rmdir: false, action: 'remount' })
          : ok(`${path} is in ${fstab} and mounted`);
      }
      return change({ ...(e.changed ? { fstab: e.text } : {}), mkdir: s.pathType === 'absent', rmdir: false, action: 'mount' });
    }
    case 'remounted':
      // Ansible tries `mount -o remount`, then umount and mount, which fail on a path that is not mounted.
      if (!s.mounted) return { kind: 'failed', msg: `Error remounting ${path}: ${path} is not mounted`, data };
      return change({ mkdir: false, rmdir: false, action: 'remounted' });
  }
}

const VERBS: Record<NonNullable<MountChange['action']>, [plan: string, done: string]> = {
  mount: ['mount', 'mounted'],
  remount: ['remount', 'remounted'],
  remounted: ['remount', 'remounted'],
  unmount: ['unmount', 'unmounted'],
};

/** A change decision: messages, diff and summary from what apply will do. */
function plan(
  req: MountRequest,
  s: MountStatus,
  c: Omit<MountChange, 'request' | 'status' | 'done' | 'diff'>,
  data: ResultData,
): Decision<MountChange> {
  const { path, fstab } = req;
  const steps: Array<[string, string]> = [];
  const diff: DiffEntry[] = [];
  const summary: ChangeSummary[] = [];
  if (c.mkdir) {
    steps.push([`create ${path}`, `created ${path}`]);
    diff.push({ header: path, before: 'absent', after: 'directory' });
  }
  if (c.fstab !== undefined) {
    steps.push([`update ${fstab}`, `updated ${fstab}`]);
    diff.push({ header: fstab, before: s.fstabText, after: c.fstab });
    summary.push({ verb: 'write', object: 'fstab entry', plural: 'fstab entries' });
  }
  if (c.action) {
    const [verb, past] = VERBS[c.action];
    steps.push([`${verb} ${path}`, `${past} ${path}`]);
    if (c.action === 'mount' || c.action === 'unmount')
      diff.push({ header: `mount ${path}`, before: c.action === 'mount' ? 'not mounted' : 'mounted', after: `${past}` });
    summary.push({ verb, object: path, named: true });
  }
  if (c.rmdir) {
    steps.push([`remove ${path}`, `removed ${path}`]);
    diff.push({ header: path, before: s.pathType, after: 'absent' });
  }
  const change: MountChange = { ...c, request: req, status: s, done: steps.map((x) => x[1]).join('; '), diff };
  return { kind: 'change', msg: steps.map((x) => x[0]).join('; '), change, diff, summary, data };
}
