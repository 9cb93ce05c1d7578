// The user module's decision for a user that exists: usermod with the options Ansible's modify_user
// passes (only for what differs), the password through chpasswd, and a missing home made.
import type { Decision } from '../../engine/module.ts';
import type { PredictedFile } from '../../engine/types.ts';
import {
  type GroupEntry,
  isPrimaryGroup,
  membership,
  type PasswordState,
  passwordState,
  primaryGroupName,
  type UserEntry,
} from '../group/accounts.ts';
import { describeUser, isDecision, lookUpGroups, madeHome, presentData, uidTaken, withMember } from './common.ts';
import type { UserChange, UserFacts, UserRequest } from './types.ts';

type DbFacts = Extract<UserFacts, { kind: 'db' }>;

const unknown = (msg: string): Decision<UserChange> => ({ kind: 'unknown', msg });

/** Decides the changes to the existing user `current`. Pure. */
export function decideModify(req: UserRequest, f: DbFacts, current: UserEntry): Decision<UserChange> {
  const { db, defs } = f;
  const found = lookUpGroups(req, db, f.opaque);
  if (isDecision(found)) return found;
  const argv: Array<string | number> = ['usermod'];
  const what: string[] = [];
  const after: UserEntry = { ...current };
  if (req.uid !== undefined && current.uid !== req.uid) {
    if (current.uid === undefined)
      return unknown(
        `user ${req.name} would be created by an earlier task with a uid the host allocates, so whether it is ${req.uid} is unknown`,
      );
    if (!req.nonUnique && uidTaken(db, req.uid, req.name)) return { kind: 'failed', msg: `usermod: UID '${req.uid}' already exists` };
    argv.push('-u', req.uid, ...(req.nonUnique ? ['-o'] : []));
    after.uid = req.uid;
    what.push(`uid ${current.uid} → ${req.uid}`);
  }
  if (found.primary) {
    const same = isPrimaryGroup(current, found.primary);
    if (same === undefined)
      return unknown(
        `the primary group of user ${req.name} and group ${found.primary.name} have ids the host allocates, so whether they are the same is unknown`,
      );
    if (!same) {
      argv.push('-g', req.group as string);
      after.gid = found.primary.gid;
      after.primary = found.primary.name;
      if (found.primary.gid === undefined) delete after.gid;
      what.push(`primary group ${found.primary.name}`);
    }
  }
  // Ansible compares the groups listing the user (its primary group too, if listed) with those asked.
  const groupChanges: Array<[string, GroupEntry]> = [];
  const before = membership(db, req.name);
  if (req.groups !== undefined) {
    const wanted = found.groups.map((g) => g.name);
    const differs =
      wanted.length === 0
        ? before.length > 0 && !req.append
        : req.append
          ? wanted.some((g) => !before.includes(g))
          : !sameSet(before, wanted);
    if (differs) {
      argv.push(...(req.append ? ['-a'] : []), '-G', wanted.join(','));
      for (const g of db.groups.values()) {
        const member = wanted.includes(g.name) || (req.append && before.includes(g.name));
        if (member !== g.members.includes(req.name)) groupChanges.push([g.name, withMember(g, req.name, member)]);
      }
      what.push(req.append ? `add to ${wanted.filter((g) => !before.includes(g)).join(',')}` : `groups ${wanted.join(',') || '(none)'}`);
    }
  }
  if (req.comment !== undefined && current.comment !== req.comment) {
    argv.push('-c', req.comment);
    after.comment = req.comment;
    what.push('comment');
  }
  const files: Array<[string, PredictedFile]> = [];
  const exists = (p: string): boolean => f.exists[p] === true;
  let homeAfterExists = exists(current.home);
  if (req.home !== undefined && current.home !== req.home) {
    argv.push('-d', req.home, ...(req.moveHome ? ['-m'] : []));
    after.home = req.home;
    homeAfterExists = exists(req.home);
    what.push(`home ${req.home}`);
    if (req.moveHome && exists(req.home)) return { kind: 'failed', msg: `usermod: directory ${req.home} exists` };
    if (req.moveHome && exists(current.home)) {
      // usermod -m renames the old home (its mode and owner go with it).
      files.push([current.home, { type: 'absent' }], [req.home, { type: 'directory' }]);
      homeAfterExists = true;
    }
  }
  if (req.shell !== undefined && current.shell !== req.shell) {
    argv.push('-s', req.shell);
    after.shell = req.shell;
    what.push(`shell ${req.shell}`);
  }
  const pw = passwordChange(req, f.password);
  argv.push(...pw.flags);
  what.push(...pw.what);
  // As Ansible: a missing home is made (from /etc/skel) unless create_home is false.
  const makeHome = !homeAfterExists && req.createHome;
  const primary = after.primary ?? primaryGroupName(db, after);
  if (makeHome) {
    files.push([after.home, madeHome(after, primary, defs)]);
    what.push(`make home ${after.home}`);
  }
  const data = presentData(req, after, { append: req.append, move_home: req.moveHome });
  if (argv.length === 1 && pw.field === undefined && !makeHome) return { kind: 'ok', msg: `user ${req.name} is as asked`, data };
  const wantedNames = req.groups !== undefined ? found.groups.map((g) => g.name) : undefined;
  const afterGroups = wantedNames === undefined ? undefined : req.append ? [...new Set([...before, ...wantedNames])] : wantedNames;
  return {
    kind: 'change',
    msg: `modify user ${req.name}: ${what.join('; ')}`,
    summary: [{ verb: 'modify', object: 'user' }],
    diff: [
      {
        header: `user ${req.name}`,
        before: describeUser(current, primaryGroupName(db, current), wantedNames ? before : undefined),
        after: describeUser(after, primary, afterGroups),
      },
    ],
    data,
    change: {
      name: req.name,
      ...(argv.length > 1 ? { argv: [...argv, '--', req.name] } : {}),
      ...(pw.field !== undefined ? { password: pw.field } : {}),
      ...(makeHome ? { makeHome: { path: after.home, mode: defs.homeMode } } : {}),
      after: { user: after, groups: groupChanges, ...(pw.after ? { password: pw.after } : {}), files },
      done: `modified user ${req.name}: ${what.join('; ')}`,
    },
  };
}

/** Lock, unlock and password, as Ansible's modify_user decides them (the hash compared without its leading '!'s). */
function passwordChange(
  req: UserRequest,
  current: PasswordState | undefined,
): { flags: string[]; what: string[]; field?: string; after?: PasswordState } {
  if (!current) return { flags: [], what: [] };
  if (req.updatePassword === 'always' && req.password !== undefined && passwordState(req.password).sha256 !== current.sha256) {
    // One field, locked or not: usermod's -L/-U are dropped, as Ansible does with -p.
    const field = req.passwordLock ? `!${req.password}` : req.password;
    return { flags: [], what: ['password'], field, after: passwordState(field) };
  }
  if (req.passwordLock === true && !current.locked) return { flags: ['-L'], what: ['lock'], after: { ...current, locked: true } };
  if (req.passwordLock === false && current.locked) {
    // usermod -U leaves an empty password locked (it refuses a passwordless account); Ansible says changed anyway.
    const empty = current.sha256 === passwordState('').sha256;
    return { flags: ['-U'], what: ['unlock'], after: { ...current, locked: empty } };
  }
  return { flags: [], what: [] };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === new Set(b).size && a.every((x) => b.includes(x));
}
