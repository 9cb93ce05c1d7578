// The group module (modules/group/) on a fake host: what it reads, decides, runs and predicts.
import { describe, expect, it } from 'vitest';
import { FleetError } from '../../../../engine/errors.ts';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { createPredictedState } from '../../../../engine/executor/predicted.ts';
import { checkSchema } from '../../../../engine/playbook/schemaCheck.ts';
import { moduleRegistry } from '../../../../modules/index.ts';
import { groupModule } from '../../../../modules/group/index.ts';
import { fakeHost, type FakeHost } from '../../../support/fakeHost.ts';

const GROUPS = ['root:x:0:', 'users:x:100:', 'sudo:x:27:alice', 'staff:x:50:', 'alice:x:1000:'];
const PASSWD = ['root:x:0:0:root:/root:/bin/bash', 'alice:x:1000:1000:Alice:/home/alice:/bin/bash'];

/** A host whose getent lists `groups` and `passwd`; apply answers with `applied` (getent's line after the change). */
function host(
  options: { groups?: string[]; check?: boolean; applied?: string; predicted?: ReturnType<typeof createPredictedState> } = {},
): FakeHost {
  const listing = `${(options.groups ?? GROUPS).join('\n')}\n@@passwd\n${PASSWD.join('\n')}\n`;
  return fakeHost({
    check: options.check ?? false,
    ...(options.predicted ? { predicted: options.predicted } : {}),
    answers: [['getent group || exit', listing]],
    reply: options.applied ?? '',
  });
}

describe('group', () => {
  it('is registered as group and ansible.builtin.group', () => {
    expect(moduleRegistry.find('group')).toBe(groupModule);
    expect(moduleRegistry.find('ansible.builtin.group')).toBe(groupModule);
  });

  it('creates a missing group with groupadd (gid, system), and returns its gid as Ansible does', async () => {
    const ctx = host({ applied: 'docker:x:1750:\n' });
    const p = await planModule(groupModule, { name: 'docker', gid: 1750, system: true }, ctx);
    expect(p).toMatchObject({ kind: 'change', msg: 'create group docker (gid 1750)', summary: [{ verb: 'create', object: 'group' }] });
    if (p.kind !== 'change') return;
    expect(await p.apply()).toEqual({ kind: 'changed', msg: 'created group docker (gid 1750)', data: { gid: 1750 } });
    expect(ctx.commands[1]).toMatch(/^groupadd -g 1750 -r -- docker \|\| exit\ngetent group -- docker/);
    expect(p.data).toEqual({ name: 'docker', state: 'present', system: true, gid: 1750 });
    // Every group, and this one by name (a directory that does not enumerate still answers that).
    expect(ctx.commands[0]).toBe('getent group || exit; getent group -- docker; echo @@passwd; getent passwd || exit');
  });

  it('is ok with one read when the group exists with the asked gid, or no gid is asked', async () => {
    for (const args of [{ name: 'staff' }, { name: 'staff', gid: 50 }, { name: 'staff', system: true }]) {
      const ctx = host();
      const p = await planModule(groupModule, args, ctx);
      expect(p).toMatchObject({ kind: 'ok', data: { name: 'staff', state: 'present', gid: 50 } });
      expect(ctx.commands).toHaveLength(1);
    }
  });

  it('changes a gid with groupmod, -o only with non_unique, and fails like groupmod on a gid in use', async () => {
    const ctx = host();
    const p = await planModule(groupModule, { name: 'staff', gid: 60 }, ctx);
    expect(p).toMatchObject({ kind: 'change', diff: [{ before: 'present (gid 50)\n', after: 'present (gid 60)\n' }] });
    if (p.kind === 'change') await p.apply();
    expect(ctx.commands[1]).toMatch(/^groupmod -g 60 -- staff /);
    expect(await planModule(groupModule, { name: 'staff', gid: 27 }, host())).toMatchObject({
      kind: 'failed',
      msg: "groupmod: GID '27' already exists",
    });
    const shared = host();
    const q = await planModule(groupModule, { name: 'staff', gid: 27, non_unique: true }, shared);
    if (q.kind === 'change') await q.apply();
    expect(shared.commands[1]).toMatch(/^groupmod -g 27 -o -- staff /);
    expect(await planModule(groupModule, { name: 'new', gid: 100 }, host())).toMatchObject({
      kind: 'failed',
      msg: "groupadd: GID '100' already exists",
    });
  });

  it('removes a group with groupdel; a user’s primary group only with force (-f), as groupdel', async () => {
    const ctx = host();
    const p = await planModule(groupModule, { name: 'staff', state: 'absent' }, ctx);
    if (p.kind === 'change') await p.apply();
    expect(ctx.commands[1]).toMatch(/^groupdel -- staff /);
    expect(await planModule(groupModule, { name: 'alice', state: 'absent' }, host())).toMatchObject({
      kind: 'failed',
      msg: "groupdel: cannot remove the primary group of user 'alice'",
    });
    const forced = host();
    const f = await planModule(groupModule, { name: 'alice', state: 'absent', force: true }, forced);
    if (f.kind === 'change') await f.apply();
    expect(forced.commands[1]).toMatch(/^groupdel -f -- alice /);
    expect(await planModule(groupModule, { name: 'nope', state: 'absent' }, host())).toMatchObject({
      kind: 'ok',
      msg: 'group nope is absent',
    });
  });

  it('fails with groupadd’s words when the command fails', async () => {
    const ctx = fakeHost({
      answers: [['getent group || exit', `${GROUPS.join('\n')}\n@@passwd\n`]],
      reply: { exitCode: 10, stderr: 'groupadd: cannot lock /etc/group; try again later.\n' },
    });
    const p = await planModule(groupModule, { name: 'docker' }, ctx);
    if (p.kind !== 'change') throw new Error('expected a change');
    expect(await p.apply()).toMatchObject({ kind: 'failed', msg: 'groupadd: cannot lock /etc/group; try again later.' });
  });

  it('check mode: a later task sees the group an earlier one would create, change or remove; nothing runs but reads', async () => {
    const predicted = createPredictedState();
    const ctx = host({ check: true, predicted });
    expect((await planModule(groupModule, { name: 'docker', gid: 1750 }, ctx)).kind).toBe('change');
    expect(await planModule(groupModule, { name: 'docker', gid: 1750 }, ctx)).toMatchObject({ kind: 'ok', data: { gid: 1750 } });
    // Its gid is now taken for another new group.
    expect(await planModule(groupModule, { name: 'other', gid: 1750 }, ctx)).toMatchObject({ kind: 'failed' });
    expect((await planModule(groupModule, { name: 'docker', state: 'absent' }, ctx)).kind).toBe('change');
    expect((await planModule(groupModule, { name: 'docker', state: 'absent' }, ctx)).kind).toBe('ok');
    // A group created without a gid: the gid the host allocates is not predicted.
    expect((await planModule(groupModule, { name: 'web' }, ctx)).kind).toBe('change');
    expect((await planModule(groupModule, { name: 'web' }, ctx)).kind).toBe('ok');
    expect(await planModule(groupModule, { name: 'web', gid: 2000 }, ctx)).toMatchObject({ kind: 'unknown' });
    expect(ctx.commands.every((c) => c.startsWith('getent group || exit'))).toBe(true);
  });

  it('check mode: groupmod moves the primary gid of the group’s users along, as groupmod does', async () => {
    const predicted = createPredictedState();
    const ctx = host({ check: true, predicted });
    expect((await planModule(groupModule, { name: 'alice', gid: 2000 }, ctx)).kind).toBe('change');
    // Now gid 1000 is free, and alice's primary group is still group alice.
    expect((await planModule(groupModule, { name: 'other', gid: 1000 }, ctx)).kind).toBe('change');
    expect((await planModule(groupModule, { name: 'alice', state: 'absent' }, ctx)).kind).toBe('failed');
  });

  it('check mode: a missing group after a task check mode cannot follow (a package install) is unknown, not a change', async () => {
    const predicted = createPredictedState();
    predicted.markOpaque('install docker-ce');
    const p = await planModule(groupModule, { name: 'docker' }, host({ check: true, predicted }));
    expect(p.kind).toBe('unknown');
    expect(p.msg).toContain("'install docker-ce'");
    // An existing group is still judged.
    expect((await planModule(groupModule, { name: 'staff' }, host({ check: true, predicted }))).kind).toBe('ok');
  });

  it('fails when the database cannot be read', async () => {
    const ctx = fakeHost({ reply: { exitCode: 127, stderr: 'sh: getent: not found' } });
    expect(await planModule(groupModule, { name: 'docker' }, ctx)).toMatchObject({
      kind: 'failed',
      msg: 'cannot list the groups and users (getent): sh: getent: not found',
    });
  });

  it('refuses names that a command would read as an option or that /etc/group cannot hold, before anything runs', async () => {
    for (const bad of ['-rf', '--help', 'a:b', 'a b', 'a\nb', '']) {
      expect(checkSchema(groupModule.schema, { name: bad }, "module 'group'"), JSON.stringify(bad)).not.toEqual([]);
    }
    expect(checkSchema(groupModule.schema, { name: 'docker', non_unique: true }, "module 'group'")).not.toEqual([]);
    for (const good of ['docker', 'www-data', 'systemd-journal', '_apt', 'Debian-exim']) {
      expect(checkSchema(groupModule.schema, { name: good }, "module 'group'"), good).toEqual([]);
    }
    // Even unchecked (after templating), the probe refuses it before its read.
    const ctx = host();
    await expect(planModule(groupModule, { name: '-g0' }, ctx)).rejects.toThrow(FleetError);
    await expect(planModule(groupModule, { name: '-g0' }, ctx)).rejects.toThrow(/starts with '-'/);
    expect(ctx.commands).toEqual([]);
  });

  it('quotes every value that reaches the shell', async () => {
    const ctx = host();
    const p = await planModule(groupModule, { name: "o'brien$(id)" }, ctx);
    if (p.kind === 'change') await p.apply();
    expect(ctx.commands[1]).toContain(`groupadd -- 'o'\\''brien$(id)'`);
  });
});
