// The user module's decision for a user that does not exist: useradd with Ansible's options, and the state
// it leaves (the user, its own group when useradd makes one, its memberships, its password, its home).
import path from 'node:path';
import type { Decision } from '../../engine/module.ts';
import { type GroupEntry, groupWithGid, passwordState, type UserEntry } from '../group/accounts.ts';
import { describeUser, isDecision, lookUpGroups, madeHome, presentData, uidTaken, withMember } from './common.ts';
import type { UserChange, UserFacts, UserRequest } from './types.ts';

type DbFacts = Extract<UserFacts, { kind: 'db' }>;

/** Decides the creation of `req.name`. Pure. */
export function decideCreate(req: UserRequest, f: DbFacts): Decision<UserChange> {
  const { db, defs, defaults } = f;
  if (f.opaque)
    return {
      kind: 'unknown',
      msg: `user ${req.name} does not exist and no earlier task is predicted to create it, but '${f.opaque}', whose effects check mode cannot predict, may (a package's install scripts add users), so the outcome is unknown`,
    };
  const found = lookUpGroups(req, db, undefined);
  if (isDecision(found)) return found;
  if (req.uid !== undefined && !req.nonUnique && uidTaken(db, req.uid, req.name))
    return { kind: 'failed', msg: `useradd: UID ${req.uid} is not unique` };
  // Ansible's useradd options, in its order.
  const argv: Array<string | number> = ['useradd'];
  if (req.uid !== undefined) argv.push('-u', req.uid, ...(req.nonUnique ? ['-o'] : []));
  const ownGroup = db.groups.get(req.name);
  if (req.group !== undefined) argv.push('-g', req.group);
  // A group named after the user exists: -N, or useradd would fail making it (USERGROUPS_ENAB).
  else if (ownGroup) argv.push('-N');
  if (found.groups.length) argv.push('-G', (req.groups ?? []).join(','));
  if (req.comment !== undefined) argv.push('-c', req.comment);
  if (req.home !== undefined) argv.push('-d', req.home);
  if (req.shell !== undefined) argv.push('-s', req.shell);
  argv.push(req.createHome ? '-m' : '-M');
  if (req.system) argv.push('-r');
  argv.push('--', req.name);

  const groups = new Map<string, GroupEntry | null>();
  let gid: number | undefined;
  let primary: string | undefined;
  if (found.primary) {
    gid = found.primary.gid;
    primary = found.primary.name;
  } else if (!ownGroup && defs.userGroups) {
    // useradd makes the user's own group; its gid is the uid when that is free and in range, else allocated.
    const [min, max] = req.system ? [defs.sysGidMin, defs.sysGidMax] : [defs.gidMin, defs.gidMax];
    const uid = req.uid;
    gid = uid !== undefined && uid >= min && uid <= max && !groupWithGid(db, uid) ? uid : undefined;
    primary = req.name;
    groups.set(req.name, { name: req.name, ...(gid !== undefined ? { gid } : {}), members: [] });
  } else {
    gid = defaults.group;
    primary = groupWithGid(db, gid)?.name;
  }
  for (const g of found.groups) groups.set(g.name, withMember(g, req.name, true));
  const home = req.home ?? `${defaults.home}/${req.name}`;
  const user: UserEntry = {
    name: req.name,
    ...(req.uid !== undefined ? { uid: req.uid } : {}),
    ...(gid !== undefined ? { gid } : {}),
    ...(primary !== undefined ? { primary } : {}),
    comment: req.comment ?? '',
    home,
    shell: req.shell ?? defaults.shell,
  };
  // useradd -m leaves a home that exists as it is.
  const makesHome = req.createHome && f.exists[home] !== true;
  const names = req.groups !== undefined ? found.groups.map((g) => g.name) : undefined;
  return {
    kind: 'change',
    msg: `create user ${req.name}`,
    summary: [{ verb: 'create', object: 'user' }],
    diff: [{ header: `user ${req.name}`, before: 'absent\n', after: describeUser(user, primary, names) }],
    data: presentData(req, user, { system: req.system, create_home: req.createHome }),
    change: {
      name: req.name,
      ...(req.home !== undefined && req.createHome ? { parent: path.posix.dirname(req.home) } : {}),
      argv,
      ...(req.password !== undefined ? { password: req.password } : {}),
      after: {
        user,
        groups: [...groups],
        password: passwordState(req.password ?? '!'),
        files: makesHome ? [[home, madeHome(user, primary, defs)]] : [],
      },
      done: `created user ${req.name}`,
    },
  };
}
