// The account database (groups and users) as `getent` lists it, and check mode's prediction of it: one
// slot the group and user modules share, so a later task of a --check run sees the groups and users an
// earlier one would create, change or remove. An id that a real run would have the host allocate
// (groupadd or useradd without -g/-u) is not predicted: it stays undefined, and a task that needs it
// is unknown.
import { createHash } from 'node:crypto';
import type { PredictedView } from '../../engine/module.ts';
import { shellQuote } from '../../engine/quote.ts';
import type { ExecResult, PredictedState, StateSlot } from '../../engine/types.ts';

/** A group: its gid (undefined when a predicted groupadd would allocate it) and its listed members. */
export interface GroupEntry {
  name: string;
  gid?: number;
  members: string[];
}

/** A user: its ids (undefined when allocated by a predicted useradd) and its passwd fields. */
export interface UserEntry {
  name: string;
  uid?: number;
  gid?: number;
  /** The primary group's name, when a prediction knows it but not its gid. */
  primary?: string;
  comment: string;
  home: string;
  shell: string;
}

/** The password field of a user, as far as the modules compare it: locked ('!' first) and the sha256 of the rest. */
export interface PasswordState {
  locked: boolean;
  sha256: string;
}

/** Groups and users by name. */
export interface AccountDb {
  groups: Map<string, GroupEntry>;
  users: Map<string, UserEntry>;
}

/** Check mode's changes to the account database of one host (null: removed). */
interface AccountOverlay {
  groups: Map<string, GroupEntry | null>;
  users: Map<string, UserEntry | null>;
  passwords: Map<string, PasswordState>;
}

const ACCOUNTS: StateSlot<AccountOverlay> = {
  name: 'accounts (group and user)',
  init: () => ({ groups: new Map(), users: new Map(), passwords: new Map() }),
};

/**
 * The read-only shell lines listing every group, then every user (NSS, as Ansible's grp and pwd modules see
 * them), each followed by a lookup of the named ones: a directory (LDAP, sssd) that does not enumerate
 * still answers a lookup by name, as Ansible's getgrnam/getpwnam do.
 */
export function accountsRead(groups: readonly string[], users: readonly string[]): string {
  const lookUp = (db: string, names: readonly string[]) => (names.length ? `; getent ${db} -- ${names.map(shellQuote).join(' ')}` : '');
  return `getent group || exit${lookUp('group', groups)}; echo @@passwd; getent passwd || exit${lookUp('passwd', users)}`;
}

/** Parses accountsRead's output (the first entry of a name wins, as getent's lookups by name). */
export function parseAccounts(stdout: string): AccountDb {
  const [groupText = '', passwdText = ''] = stdout.split(/^@@passwd$/m);
  const groups = new Map<string, GroupEntry>();
  for (const line of groupText.split('\n')) {
    const [name, , gid, members = ''] = line.split(':');
    if (!name || gid === undefined || !/^\d+$/.test(gid) || groups.has(name)) continue;
    groups.set(name, { name, gid: Number(gid), members: members.split(',').filter((m) => m !== '') });
  }
  const users = new Map<string, UserEntry>();
  for (const line of passwdText.split('\n')) {
    const [name, , uid, gid, comment = '', home = '', shell = ''] = line.split(':');
    if (!name || !/^\d+$/.test(uid ?? '') || !/^\d+$/.test(gid ?? '') || users.has(name)) continue;
    users.set(name, { name, uid: Number(uid), gid: Number(gid), comment, home, shell });
  }
  return { groups, users };
}

/** Why a read of the account database failed, or undefined when it worked. */
export function accountsReadProblem(r: ExecResult): string | undefined {
  if (r.exitCode === 0) return undefined;
  return `cannot list the groups and users (getent): ${r.stderr.trim() || `exit ${r.exitCode}`}`;
}

/** The database as the real run would find it after the earlier tasks of a check run. */
export function predictAccounts(db: AccountDb, p: Pick<PredictedView, 'slot'>): AccountDb {
  const overlay = p.slot(ACCOUNTS);
  if (overlay.groups.size === 0 && overlay.users.size === 0) return db;
  const groups = new Map(db.groups);
  for (const [name, g] of overlay.groups) {
    if (g) groups.set(name, g);
    else groups.delete(name);
  }
  const users = new Map(db.users);
  for (const [name, u] of overlay.users) {
    if (u) users.set(name, u);
    else users.delete(name);
  }
  return { groups, users };
}

/** A user's password state as an earlier task of the check run would leave it, if one changes it. */
export function predictedPassword(p: Pick<PredictedView, 'slot'>, user: string): PasswordState | undefined {
  return p.slot(ACCOUNTS).passwords.get(user);
}

/** Records a group's predicted entry (null: removed). */
export function recordGroup(p: PredictedState, name: string, entry: GroupEntry | null): void {
  p.slot(ACCOUNTS).groups.set(name, entry);
}

/** Records a user's predicted entry (null: removed) and, when known, its password state. */
export function recordUser(p: PredictedState, name: string, entry: UserEntry | null, password?: PasswordState): void {
  const overlay = p.slot(ACCOUNTS);
  overlay.users.set(name, entry);
  if (password && entry) overlay.passwords.set(name, password);
  else if (!entry) overlay.passwords.delete(name);
}

/** A group by name, or by gid when `key` is all digits (as Ansible's group_exists). */
export function findGroup(db: AccountDb, key: string): GroupEntry | undefined {
  const byName = db.groups.get(key);
  if (byName || !/^\d+$/.test(key)) return byName;
  return groupWithGid(db, Number(key));
}

/** The first group with this gid. */
export function groupWithGid(db: AccountDb, gid: number): GroupEntry | undefined {
  for (const g of db.groups.values()) if (g.gid === gid) return g;
  return undefined;
}

/** Names of the groups that list `user` as a member (Ansible's user_group_membership, primary group included). */
export function membership(db: AccountDb, user: string): string[] {
  return [...db.groups.values()].filter((g) => g.members.includes(user)).map((g) => g.name);
}

/** Whether `user`'s primary group is `group`: undefined when a predicted id leaves it open. */
export function isPrimaryGroup(user: UserEntry, group: GroupEntry): boolean | undefined {
  // A predicted user names its group: a gid the host allocates is one no other group has.
  if (user.primary !== undefined) return user.primary === group.name;
  if (user.gid !== undefined && group.gid !== undefined) return user.gid === group.gid;
  return undefined;
}

/** The name of a user's primary group, when known. */
export function primaryGroupName(db: AccountDb, user: UserEntry): string | undefined {
  if (user.primary !== undefined) return user.primary;
  return user.gid === undefined ? undefined : groupWithGid(db, user.gid)?.name;
}

/** The password state of a shadow password field (Ansible compares it without its leading '!'s). */
export function passwordState(field: string): PasswordState {
  return { locked: field.startsWith('!'), sha256: createHash('sha256').update(field.replace(/^!+/, '')).digest('hex') };
}
