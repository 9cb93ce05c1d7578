// The user module's decision, from what probe read: pure. A user that exists is modified (modify.ts), one
// that does not is created (create.ts); `state: absent` removes it here.
import type { Decision } from '../../engine/module.ts';
import type { PredictedFile } from '../../engine/types.ts';
import { type GroupEntry, isPrimaryGroup, type UserEntry } from '../group/accounts.ts';
import { withMember } from './common.ts';
import { decideCreate } from './create.ts';
import { decideModify } from './modify.ts';
import type { UserChange, UserFacts, UserRequest } from './types.ts';

type DbFacts = Extract<UserFacts, { kind: 'db' }>;

/** The module's decision for one user. */
export function decideUser(req: UserRequest, facts: UserFacts): Decision<UserChange> {
  if (facts.kind === 'unreadable') return { kind: 'failed', msg: facts.msg };
  const current = facts.db.users.get(req.name);
  if (req.state === 'absent') return decideRemove(req, facts, current);
  return current ? decideModify(req, facts, current) : decideCreate(req, facts);
}

/** userdel, and what it leaves: no user, its memberships gone, its own group gone when userdel removes it. */
function decideRemove(req: UserRequest, f: DbFacts, current: UserEntry | undefined): Decision<UserChange> {
  const data = { name: req.name, state: 'absent', force: req.force, remove: req.remove };
  if (!current) return { kind: 'ok', msg: `user ${req.name} is absent`, data: { name: req.name, state: 'absent' } };
  const groups = new Map<string, GroupEntry | null>();
  for (const g of f.db.groups.values()) if (g.members.includes(req.name)) groups.set(g.name, withMember(g, req.name, false));
  // With USERGROUPS_ENAB, userdel removes the group named after the user when it is the user's primary
  // group, has no other members, and (without -f) is no other user's primary group.
  const own = f.db.groups.get(req.name);
  if (f.defs.userGroups && own && isPrimaryGroup(current, own) === true) {
    const members = own.members.filter((m) => m !== req.name);
    const usedBy = [...f.db.users.values()].filter((u) => u.name !== req.name && isPrimaryGroup(u, own) !== false);
    if (members.length === 0 && (req.force || usedBy.length === 0)) groups.set(own.name, null);
  }
  const files: Array<[string, PredictedFile]> = req.remove ? [[current.home, { type: 'absent' }]] : [];
  const flags = [...(req.force ? ['-f'] : []), ...(req.remove ? ['-r'] : [])];
  return {
    kind: 'change',
    msg: `remove user ${req.name}${req.remove ? ` and its home ${current.home}` : ''}`,
    summary: [{ verb: 'remove', object: 'user' }],
    diff: [{ header: `user ${req.name}`, before: 'present\n', after: 'absent\n' }],
    data,
    change: {
      name: req.name,
      argv: ['userdel', ...flags, '--', req.name],
      after: { user: null, groups: [...groups], files },
      done: `removed user ${req.name}`,
    },
  };
}
