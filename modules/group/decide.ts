// The group module's decision, from the account database probe read: pure.
import type { Decision } from '../../engine/module.ts';
import type { ResultData } from '../../engine/types.ts';
import { type AccountDb, type GroupEntry, groupWithGid, isPrimaryGroup, type UserEntry } from './accounts.ts';
import type { GroupArgs } from './schema.ts';

/** What probe found: the database (through check mode's prediction), or why there is none. */
export type GroupFacts = { kind: 'db'; db: AccountDb; opaque?: string } | { kind: 'unreadable'; msg: string };

/** What apply runs (groupadd, groupmod or groupdel, as words) and the entry it leaves (null: removed). */
export interface GroupChange {
  name: string;
  argv: Array<string | number>;
  after: GroupEntry | null;
  /** Users whose primary gid a groupmod moves along (groupmod updates them). */
  users?: UserEntry[];
  done: string;
}

/** Decides what a group task does: ok, a change, a failure the real run would meet too, or unknown. */
export function decideGroup(args: GroupArgs, facts: GroupFacts): Decision<GroupChange> {
  if (facts.kind === 'unreadable') return { kind: 'failed', msg: facts.msg };
  const { db } = facts;
  const name = args.name;
  const state = args.state ?? 'present';
  const current = db.groups.get(name);
  if (state === 'absent') {
    const data: ResultData = { name, state };
    if (!current) return { kind: 'ok', msg: `group ${name} is absent`, data };
    if (args.force !== true) {
      // groupdel refuses the primary group of a user (Ansible's force passes -f).
      for (const u of db.users.values()) {
        const primary = isPrimaryGroup(u, current);
        if (primary === true) return { kind: 'failed', msg: `groupdel: cannot remove the primary group of user '${u.name}'`, data };
        if (primary === undefined)
          return {
            kind: 'unknown',
            msg: `whether group ${name} is the primary group of user ${u.name} depends on ids the host allocates`,
            data,
          };
      }
    }
    return change(name, ['groupdel', ...(args.force ? ['-f'] : []), '--', name], null, current, data);
  }
  const gid = args.gid;
  const nonUnique = args.non_unique === true;
  const data: ResultData = { name, state, system: args.system ?? false, ...(current?.gid !== undefined ? { gid: current.gid } : {}) };
  if (!current) {
    if (facts.opaque)
      return {
        kind: 'unknown',
        msg: `group ${name} does not exist and no earlier task is predicted to create it, but '${facts.opaque}', whose effects check mode cannot predict, may (a package's install scripts add groups), so the outcome is unknown`,
        data,
      };
    if (gid !== undefined && !nonUnique && groupWithGid(db, gid))
      return { kind: 'failed', msg: `groupadd: GID '${gid}' already exists`, data };
    const argv = [
      'groupadd',
      ...(gid !== undefined ? ['-g', gid, ...(nonUnique ? ['-o'] : [])] : []),
      ...(args.system ? ['-r'] : []),
      '--',
      name,
    ];
    const created = { name, ...(gid !== undefined ? { gid } : {}), members: [] };
    return change(name, argv, created, undefined, { ...data, ...(gid !== undefined ? { gid } : {}) });
  }
  // An existing group: only its gid is managed (as Ansible: `system` applies when it is created).
  if (gid === undefined || current.gid === gid) return { kind: 'ok', msg: `group ${name} is present`, data };
  if (current.gid === undefined)
    return {
      kind: 'unknown',
      msg: `group ${name} would be created by an earlier task with a gid the host allocates, so whether it is ${gid} is unknown`,
      data,
    };
  if (!nonUnique && groupWithGid(db, gid)) return { kind: 'failed', msg: `groupmod: GID '${gid}' already exists`, data };
  const argv = ['groupmod', '-g', gid, ...(nonUnique ? ['-o'] : []), '--', name];
  const decision = change(name, argv, { ...current, gid }, current, { ...data, gid });
  const users = [...db.users.values()].filter((u) => isPrimaryGroup(u, current) === true).map((u) => ({ ...u, gid }));
  if (decision.kind === 'change' && users.length) decision.change.users = users;
  return decision;
}

function change(
  name: string,
  argv: Array<string | number>,
  after: GroupEntry | null,
  before: GroupEntry | undefined,
  data: ResultData,
): Decision<GroupChange> {
  const [verb, past] =
    argv[0] === 'groupadd' ? ['create', 'created'] : argv[0] === 'groupdel' ? ['remove', 'removed'] : ['modify', 'modified'];
  const what = after?.gid !== undefined && argv[0] !== 'groupdel' ? ` (gid ${after.gid})` : '';
  return {
    kind: 'change',
    msg: `${verb} group ${name}${what}`,
    summary: [{ verb, object: 'group' }],
    diff: [{ header: `group ${name}`, before: describe(before), after: describe(after ?? undefined) }],
    data,
    change: { name, argv, after, done: `${past} group ${name}${what}` },
  };
}

function describe(g: GroupEntry | undefined): string {
  if (!g) return 'absent\n';
  return g.gid === undefined ? 'present\n' : `present (gid ${g.gid})\n`;
}
