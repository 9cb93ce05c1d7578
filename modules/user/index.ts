// user (ansible.builtin.user): a local user present with its uid, groups, shell, home and password, or
// absent, with useradd, usermod and userdel as Ansible runs them.
//
// One read lists every group and user (getent), login.defs and useradd's defaults, which of the user's
// homes exist and, when asked, its password's state (only a sha256 of the hash leaves the host); decide is
// pure. Check mode reads through the account slot it shares with the group module and records the user,
// its groups, its password state and its home. Ids the host would allocate are not predicted.
//
// Differences from Ansible: check mode predicts the failures the real run meets (a missing group, a home
// usermod -m cannot move into) where Ansible's check mode says `changed`; a password is set with
// `chpasswd -e` from stdin rather than `useradd/usermod -p`, so the hash is on no command line; numeric
// entries of `groups` are compared by the group's name (Ansible compares the digits with names and changes
// every run); a made home is chowned with `chown -h` (links themselves). Not supported: expires,
// generate_ssh_key and the ssh_key_* options, seuser, skeleton, umask, local, login_class, profile,
// authorization, role, password_expire_*, uid_min/uid_max, hidden.
import { defineModule } from '../../engine/module.ts';
import { recordGroup, recordUser } from '../group/accounts.ts';
import { applyUser } from './apply.ts';
import { decideUser } from './decide.ts';
import { probeUser, userRequest } from './probe.ts';
import { userSchema, type UserArgs } from './schema.ts';
import type { UserChange, UserFacts } from './types.ts';

// The script apply runs and the command probe reads, for tests.
export { userApplyScript } from './apply.ts';
export { userProbeCommand } from './probe.ts';

/** The user module. */
export const userModule = defineModule<UserArgs, UserFacts, UserChange>({
  name: 'user',
  summary: 'A local user present, with its uid, groups, shell, home and password, or absent.',
  runsOn: 'host',
  schema: userSchema,
  secretArgs: ['password'],
  probe: probeUser,
  decide: (args, facts) => decideUser(userRequest(args), facts),
  apply: applyUser,
  predict(decision, predicted) {
    if (decision.kind !== 'change') return;
    const { name, after } = decision.change;
    recordUser(predicted, name, after.user, after.password);
    for (const [group, entry] of after.groups) recordGroup(predicted, group, entry);
    for (const [path, state] of after.files) predicted.setFile(path, state);
  },
});
