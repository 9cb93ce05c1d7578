// group (ansible.builtin.group): a local group present (with a gid) or absent, with groupadd, groupmod
// and groupdel as Ansible runs them.
//
// One read lists every group and user (getent: what Ansible's grp and pwd modules see); decide is pure.
// Check mode reads that list through the account slot the user module shares (modules/group/accounts.ts),
// and records the group it would create, change or remove. A gid that groupadd would allocate is not
// predicted: a later task that compares it is unknown. Differences from Ansible: check mode predicts the
// failures the real run meets (a gid in use, the primary group of a user) where Ansible's check mode says
// `changed`; `local`, `gid_min` and `gid_max` are not supported.
import { FleetError } from '../../engine/errors.ts';
import { defineModule, read, type ModuleHost, type ModuleView, type Probe } from '../../engine/module.ts';
import { shellCommand, shellQuote } from '../../engine/quote.ts';
import type { ApplyOutcome } from '../../engine/types.ts';
import { requireAccountName } from '../lib/argumentRules.ts';
import { accountsRead, accountsReadProblem, parseAccounts, predictAccounts, recordGroup, recordUser } from './accounts.ts';
import { decideGroup, type GroupChange, type GroupFacts } from './decide.ts';
import { groupSchema, type GroupArgs } from './schema.ts';

/** The probe: the name judged first, then one read of the whole database. */
function* probeGroup(args: GroupArgs, view: ModuleView): Probe<GroupFacts> {
  requireAccountName('name', args.name);
  if (args.non_unique === true && args.gid === undefined) throw new FleetError('arguments', "argument 'non_unique' needs 'gid'");
  const r = yield* read({ command: accountsRead([args.name], []) });
  const problem = accountsReadProblem(r);
  if (problem) return { kind: 'unreadable', msg: problem };
  const host = parseAccounts(r.stdout);
  if (!view.check) return { kind: 'db', db: host };
  const opaque = view.predicted.opaqueTask();
  return { kind: 'db', db: predictAccounts(host, view.predicted), ...(opaque ? { opaque } : {}) };
}

/** Runs the group command, then reads the group's gid for the result. */
async function applyGroup(c: GroupChange, host: ModuleHost): Promise<ApplyOutcome> {
  const r = await host.run(`${shellCommand(...c.argv)} || exit\ngetent group -- ${shellQuote(c.name)} || true`);
  if (r.exitCode !== 0)
    return { kind: 'failed', msg: r.stderr.trim() || `${c.argv[0]}: exit ${r.exitCode}`, data: { name: c.name, rc: r.exitCode } };
  const gid = /^[^:]*:[^:]*:(\d+):/.exec(r.stdout)?.[1];
  return { kind: 'changed', msg: c.done, data: gid !== undefined && c.after ? { gid: Number(gid) } : {} };
}

/** The group module. */
export const groupModule = defineModule<GroupArgs, GroupFacts, GroupChange>({
  name: 'group',
  summary: 'A local group present (with a gid) or absent.',
  runsOn: 'host',
  schema: groupSchema,
  probe: probeGroup,
  decide: (args, facts) => decideGroup(args, facts),
  apply: applyGroup,
  predict(decision, predicted) {
    if (decision.kind !== 'change') return;
    recordGroup(predicted, decision.change.name, decision.change.after);
    for (const u of decision.change.users ?? []) recordUser(predicted, u.name, u);
  },
});
