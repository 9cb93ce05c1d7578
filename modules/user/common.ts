// What the user module's decisions share: the groups a task names, looked up; the result fields Ansible
// returns; the home directory a change makes.
import type { Decision } from '../../engine/module.ts';
import type { PredictedFile, ResultData } from '../../engine/types.ts';
import { type AccountDb, findGroup, type GroupEntry, type UserEntry } from '../group/accounts.ts';
import type { LoginDefs, UserChange, UserRequest } from './types.ts';

/** The groups `group` and `groups` name, or the decision when one does not exist (failed, or unknown after an opaque task). */
export function lookUpGroups(
  req: UserRequest,
  db: AccountDb,
  opaque: string | undefined,
): { primary?: GroupEntry; groups: GroupEntry[] } | Decision<UserChange> {
  const names = [...(req.group !== undefined ? [req.group] : []), ...(req.groups ?? [])];
  const missing = names.find((n) => !findGroup(db, n));
  if (missing !== undefined) {
    // Ansible's message. Nothing predicted creates the group; an earlier task check mode could not follow may.
    if (opaque)
      return {
        kind: 'unknown',
        msg: `group ${missing} does not exist and no earlier task is predicted to create it, but '${opaque}', whose effects check mode cannot predict, may (a package's install scripts add groups), so the outcome is unknown`,
      };
    return { kind: 'failed', msg: `Group ${missing} does not exist` };
  }
  const groups = (req.groups ?? []).map((n) => findGroup(db, n) as GroupEntry);
  const primary = req.group !== undefined ? findGroup(db, req.group) : undefined;
  return { ...(primary ? { primary } : {}), groups: [...new Map(groups.map((g) => [g.name, g])).values()] };
}

/** Whether lookUpGroups returned a decision. */
export function isDecision(x: object): x is Decision<UserChange> {
  return 'kind' in x;
}

/** Whether another user has `uid` (useradd and usermod refuse it without non_unique). */
export function uidTaken(db: AccountDb, uid: number, name: string): boolean {
  return [...db.users.values()].some((u) => u.uid === uid && u.name !== name);
}

/** Ansible's result fields of a present user. */
export function presentData(req: UserRequest, user: UserEntry, extra: ResultData): ResultData {
  return {
    name: req.name,
    state: 'present',
    ...extra,
    ...(user.uid !== undefined ? { uid: user.uid } : {}),
    ...(user.gid !== undefined ? { group: user.gid } : {}),
    comment: user.comment,
    home: user.home,
    shell: user.shell,
    ...(req.groups !== undefined ? { groups: req.groups.join(',') } : {}),
    ...(req.password !== undefined ? { password: 'NOT_LOGGING_PASSWORD' } : {}),
  };
}

/** The home directory a change makes: owned by the user and its primary group, with login.defs' mode. */
export function madeHome(user: UserEntry, primary: string | undefined, defs: LoginDefs): PredictedFile {
  return { type: 'directory', mode: defs.homeMode, owner: user.name, ...(primary !== undefined ? { group: primary } : {}) };
}

/** A group entry with `user` added to or removed from its members. */
export function withMember(g: GroupEntry, user: string, member: boolean): GroupEntry {
  const others = g.members.filter((m) => m !== user);
  return { ...g, members: member ? [...others, user] : others };
}

/** A user's fields as diff lines (never its password). */
export function describeUser(u: UserEntry | undefined, primary: string | undefined, groups: string[] | undefined): string {
  if (!u) return 'absent\n';
  const lines = [
    `uid: ${u.uid ?? '(allocated by the host)'}`,
    `group: ${primary ?? u.gid ?? '(allocated by the host)'}`,
    `comment: ${u.comment}`,
    `home: ${u.home}`,
    `shell: ${u.shell}`,
    ...(groups ? [`groups: ${groups.join(',')}`] : []),
  ];
  return `${lines.join('\n')}\n`;
}
