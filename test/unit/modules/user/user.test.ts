// The user module (modules/user/) on a fake host: what it reads, decides and runs.
import { describe, expect, it } from 'vitest';
import { FleetError } from '../../../../engine/errors.ts';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { canonicalArgs } from '../../../../engine/playbook/argAliases.ts';
import { checkSchema } from '../../../../engine/playbook/schemaCheck.ts';
import { moduleRegistry } from '../../../../modules/index.ts';
import { userModule } from '../../../../modules/user/index.ts';
import { userHost } from './fixture.ts';

/** Plans `args` on `ctx`, applies the change, and returns the plan, the outcome and the apply script. */
async function run(args: Record<string, unknown>, ctx = userHost()) {
  const plan = await planModule(userModule, args, ctx);
  const outcome = plan.kind === 'change' ? await plan.apply() : undefined;
  return { plan, outcome, script: ctx.commands[1] ?? '', ctx };
}

describe('user: an existing user', () => {
  it('is registered as user and ansible.builtin.user', () => {
    expect(moduleRegistry.find('user')).toBe(userModule);
    expect(moduleRegistry.find('ansible.builtin.user')).toBe(userModule);
  });

  it('geerlingguy.docker: `groups: docker, append: true` adds the user with usermod -a -G, then is ok', async () => {
    const { plan, script } = await run({ name: 'alice', groups: 'docker', append: true });
    expect(plan).toMatchObject({ kind: 'change', msg: 'modify user alice: add to docker', summary: [{ verb: 'modify', object: 'user' }] });
    expect(script).toMatch(/^set -e\nusermod -a -G docker -- alice\n/);
    const after = await run(
      { name: 'alice', groups: 'docker', append: true },
      userHost({ groups: ['users:x:100:', 'docker:x:999:alice', 'alice:x:1000:'] }),
    );
    expect(after.plan).toMatchObject({
      kind: 'ok',
      data: {
        name: 'alice',
        state: 'present',
        uid: 1000,
        group: 1000,
        home: '/home/alice',
        shell: '/bin/bash',
        groups: 'docker',
        append: true,
      },
    });
    expect(after.ctx.commands).toHaveLength(1);
  });

  it('looks the user and its groups up by name too (a directory that does not enumerate still answers those)', async () => {
    const { ctx } = await run({ name: 'alice', group: 'users', groups: ['docker', 'sudo'] });
    expect(ctx.commands[0]).toContain('getent group || exit; getent group -- alice users docker sudo; echo @@passwd');
    expect(ctx.commands[0]).toContain('getent passwd || exit; getent passwd -- alice\n');
  });

  it('append keeps the other groups; without append the list is exact, and groups: "" removes them all', async () => {
    // bob is in sudo: with append, docker is added and sudo stays.
    const appended = await run({ name: 'bob', groups: ['docker'], append: true });
    expect(appended.script).toContain('usermod -a -G docker -- bob');
    const exact = await run({ name: 'bob', groups: 'docker, users' });
    expect(exact.script).toContain('usermod -G docker,users -- bob');
    expect(exact.plan.kind === 'change' && exact.plan.diff?.[0]).toMatchObject({ before: expect.stringContaining('groups: sudo\n') });
    expect(exact.plan.kind === 'change' && exact.plan.diff?.[0]).toMatchObject({
      after: expect.stringContaining('groups: docker,users\n'),
    });
    const none = await run({ name: 'bob', groups: '' });
    expect(none.script).toContain("usermod -G '' -- bob");
    // Already exactly in sudo, or asked for no groups with append: nothing to do.
    expect((await run({ name: 'bob', groups: ['sudo'] })).plan.kind).toBe('ok');
    expect((await run({ name: 'bob', groups: [], append: true })).plan.kind).toBe('ok');
    expect((await run({ name: 'alice', groups: [] })).plan.kind).toBe('ok');
  });

  it('changes only what differs: uid, primary group, comment, home (moved), shell', async () => {
    const { plan, script, outcome } = await run(
      { name: 'alice', uid: 1500, group: 'users', comment: 'Alice A', home: '/srv/alice', move_home: true, shell: '/bin/zsh' },
      userHost({}, { reply: 'x\n@@passwd\nalice:x:1500:100:Alice A:/srv/alice:/bin/zsh\n' }),
    );
    expect(plan.kind).toBe('change');
    expect(script).toContain("usermod -u 1500 -g users -c 'Alice A' -d /srv/alice -m -s /bin/zsh -- alice");
    expect(outcome).toMatchObject({
      kind: 'changed',
      data: { uid: 1500, group: 100, comment: 'Alice A', home: '/srv/alice', shell: '/bin/zsh' },
    });
    const same = await run({ name: 'alice', uid: 1000, group: 'alice', comment: 'Alice', home: '/home/alice', shell: '/bin/bash' });
    expect(same.plan.kind).toBe('ok');
    // A group given by its gid is the same group.
    expect((await run({ name: 'alice', group: '1000' })).plan.kind).toBe('ok');
  });

  it('a uid another user has fails as useradd and usermod do, unless non_unique (-o)', async () => {
    expect((await run({ name: 'alice', uid: 1001 })).plan).toMatchObject({ kind: 'failed', msg: "usermod: UID '1001' already exists" });
    expect((await run({ name: 'zed', uid: 0 })).plan).toMatchObject({ kind: 'failed', msg: 'useradd: UID 0 is not unique' });
    expect((await run({ name: 'alice', uid: 1001, non_unique: true })).script).toContain('usermod -u 1001 -o -- alice');
    expect((await run({ name: 'zed', uid: 0, non_unique: true })).script).toContain('useradd -u 0 -o -m -- zed');
  });

  it('usermod -m into a directory that exists fails, as usermod does', async () => {
    const { plan } = await run({ name: 'alice', home: '/srv/taken', move_home: true }, userHost({ exists: ['/home/alice', '/srv/taken'] }));
    expect(plan).toMatchObject({ kind: 'failed', msg: 'usermod: directory /srv/taken exists' });
  });

  it('makes a missing home from /etc/skel (as Ansible, create_home defaults to true), owned by the user, with login.defs’ mode', async () => {
    const { plan, script } = await run({ name: 'bob', groups: 'docker', append: true }, userHost({ exists: [] }));
    expect(plan).toMatchObject({ kind: 'change', msg: 'modify user bob: add to docker; make home /home/bob' });
    expect(script).toContain('usermod -a -G docker -- bob');
    expect(script).toContain('cp -a -- /etc/skel /home/bob');
    expect(script).toContain('chmod 0755 -- /home/bob');
    expect(script).toContain('chown -R -h -- "$(id -u -- bob):$(id -g -- bob)" /home/bob');
    expect((await run({ name: 'bob', create_home: false }, userHost({ exists: [] }))).plan.kind).toBe('ok');
    // HOME_MODE wins over UMASK.
    const mode = await run({ name: 'bob' }, userHost({ exists: [], defs: 'UMASK 027\nHOME_MODE 0700\n' }));
    expect(mode.script).toContain('chmod 0700 -- /home/bob');
    expect(mode.script).not.toContain('usermod');
  });

  it('fails like Ansible on a group that does not exist', async () => {
    for (const args of [
      { name: 'alice', groups: 'docker,nope' },
      { name: 'alice', group: 'nope' },
      { name: 'newbie', groups: ['nope'] },
    ]) {
      const { plan, ctx } = await run(args);
      expect(plan).toMatchObject({ kind: 'failed', msg: 'Group nope does not exist' });
      expect(ctx.commands).toHaveLength(1);
    }
  });
});

describe('user: state absent', () => {
  it('removes a user with userdel (-f, -r as asked); an absent user is ok', async () => {
    const { plan, script } = await run({ name: 'bob', state: 'absent', remove: true, force: true });
    expect(plan).toMatchObject({ kind: 'change', data: { name: 'bob', state: 'absent', force: true, remove: true } });
    expect(script).toMatch(/^set -e\nuserdel -f -r -- bob\n/);
    expect((await run({ name: 'bob', state: 'absent' })).script).toMatch(/\nuserdel -- bob\n/);
    expect(await run({ name: 'zed', state: 'absent' })).toMatchObject({ plan: { kind: 'ok', msg: 'user zed is absent' }, script: '' });
  });
});

describe('user: arguments', () => {
  it('refuses names that a command would read as an option, in the schema and after templating', async () => {
    for (const bad of [
      { name: '-o' },
      { name: 'a:b' },
      { name: 'x', group: '--help' },
      { name: 'x', home: 'relative' },
      { name: 'x', shell: '/bin/sh:x' },
    ]) {
      expect(checkSchema(userModule.schema, bad, "module 'user'"), JSON.stringify(bad)).not.toEqual([]);
    }
    // Ansible's old name for create_home.
    expect(canonicalArgs(userModule.schema, { name: 'x', createhome: false }).args).toEqual({ name: 'x', create_home: false });
    expect(checkSchema(userModule.schema, { name: 'x', groups: ['docker'], create_home: false }, "module 'user'")).toEqual([]);
    for (const args of [{ name: '-ou0' }, { name: 'x', groups: 'docker,-G0' }, { name: 'x', group: '-g0' }]) {
      const ctx = userHost();
      await expect(planModule(userModule, args, ctx)).rejects.toThrow(FleetError);
      expect(ctx.commands).toEqual([]);
    }
  });

  it('quotes every value that reaches the shell', async () => {
    const { script } = await run({ name: 'alice', comment: "it's $(reboot)", shell: '/bin/sh;reboot' });
    expect(script).toContain(`usermod -c 'it'\\''s $(reboot)' -s '/bin/sh;reboot' -- alice`);
  });
});
