// The user module (modules/user/): creating users, passwords (never shown), and check mode's prediction,
// shared with the group module.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LocalConnection } from '../../../../engine/connection/local.ts';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { createPredictedState } from '../../../../engine/executor/predicted.ts';
import { groupModule } from '../../../../modules/group/index.ts';
import { userModule, userProbeCommand } from '../../../../modules/user/index.ts';
import { fakeHost } from '../../../support/fakeHost.ts';
import { GROUPS, PASSWD, probeOutput, userHost } from './fixture.ts';

const HASH = '$6$salt$0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('user: creating a user', () => {
  it('runs useradd with Ansible’s options in Ansible’s order', async () => {
    const ctx = userHost();
    const p = await planModule(
      userModule,
      { name: 'dave', uid: 1500, groups: ['docker', 'sudo'], comment: 'Dave', home: '/srv/dave', shell: '/bin/bash', system: true },
      ctx,
    );
    expect(p).toMatchObject({ kind: 'change', msg: 'create user dave', summary: [{ verb: 'create', object: 'user' }] });
    if (p.kind === 'change') await p.apply();
    expect(ctx.commands[1]).toMatch(
      /^set -e\nmkdir -p -- \/srv\nuseradd -u 1500 -G docker,sudo -c Dave -d \/srv\/dave -s \/bin\/bash -m -r -- dave\n/,
    );
    expect(p.data).toEqual({
      name: 'dave',
      state: 'present',
      system: true,
      create_home: true,
      uid: 1500,
      comment: 'Dave',
      home: '/srv/dave',
      shell: '/bin/bash',
      groups: 'docker,sudo',
    });
  });

  it('passes -N when a group named after the user exists, -g for a given group, -M without create_home', async () => {
    const ctx = userHost();
    const p = await planModule(userModule, { name: 'carol', create_home: false }, ctx);
    if (p.kind === 'change') await p.apply();
    expect(ctx.commands[1]).toContain('useradd -N -M -- carol');
    // Its primary group is useradd's default group (GROUP=100: users).
    expect(p.data).toMatchObject({ group: 100, home: '/home/carol', shell: '/bin/sh' });
    const given = userHost();
    const q = await planModule(userModule, { name: 'carol', group: 'docker' }, given);
    if (q.kind === 'change') await q.apply();
    expect(given.commands[1]).toContain('useradd -g docker -m -- carol');
  });

  it('sets a password through chpasswd’s stdin only: never on a command line, in a message, the result or the diff', async () => {
    const ctx = userHost();
    const p = await planModule(userModule, { name: 'erin', password: HASH }, ctx);
    expect(p.kind).toBe('change');
    if (p.kind !== 'change') return;
    const outcome = await p.apply();
    expect(ctx.calls[1]?.stdin).toBe(`erin:${HASH}\n`);
    expect(ctx.commands[1]).toContain('useradd -m -- erin\nchpasswd -e\n');
    expect(p.data?.password).toBe('NOT_LOGGING_PASSWORD');
    const shown = JSON.stringify([p.msg, p.data, p.diff, p.summary, outcome, ctx.commands]);
    expect(shown).not.toContain('0123456789abcdef');
  });

  it('refuses a password with ":" or a line break without showing it (chpasswd would read another line)', async () => {
    const ctx = userHost();
    await expect(planModule(userModule, { name: 'erin', password: 'x\nroot:secret' }, ctx)).rejects.toThrow(
      /argument 'password' contains ':' or a line break.*its value is not shown/,
    );
    await expect(planModule(userModule, { name: 'erin', password: 'x\nroot:secret' }, ctx)).rejects.not.toThrow(/secret/);
    expect(ctx.commands).toEqual([]);
  });
});

describe('user: passwords of an existing user', () => {
  const shadow = (field: string) => `${field.startsWith('!') ? 'locked\n' : ''}${sha(field.replace(/^!+/, ''))}`;

  it('compares the hash by its sha256 (the hash never leaves the host), without its lock', async () => {
    expect((await planModule(userModule, { name: 'alice', password: HASH }, userHost({ shadow: shadow(HASH) }))).kind).toBe('ok');
    expect((await planModule(userModule, { name: 'alice', password: HASH }, userHost({ shadow: shadow(`!${HASH}`) }))).kind).toBe('ok');
    const ctx = userHost({ shadow: shadow('$6$old$x') });
    const p = await planModule(userModule, { name: 'alice', password: HASH }, ctx);
    expect(p).toMatchObject({ kind: 'change', msg: 'modify user alice: password' });
    if (p.kind === 'change') await p.apply();
    expect(ctx.calls[1]).toMatchObject({ stdin: `alice:${HASH}\n` });
    expect(ctx.commands[1]).not.toContain('usermod');
    // update_password: on_create leaves it.
    expect(
      (
        await planModule(
          userModule,
          { name: 'alice', password: HASH, update_password: 'on_create' },
          userHost({ shadow: shadow('$6$old$x') }),
        )
      ).kind,
    ).toBe('ok');
    expect(ctx.commands[0]).toContain('getent shadow');
  });

  it('locks with -L, unlocks with -U, and sets a new hash locked in one field', async () => {
    const lock = userHost({ shadow: shadow(HASH) });
    const p = await planModule(userModule, { name: 'alice', password_lock: true }, lock);
    if (p.kind === 'change') await p.apply();
    expect(lock.commands[1]).toContain('usermod -L -- alice');
    const unlock = userHost({ shadow: shadow(`!${HASH}`) });
    const q = await planModule(userModule, { name: 'alice', password_lock: false }, unlock);
    if (q.kind === 'change') await q.apply();
    expect(unlock.commands[1]).toContain('usermod -U -- alice');
    const both = userHost({ shadow: shadow('$6$old$x') });
    const r = await planModule(userModule, { name: 'alice', password: HASH, password_lock: true }, both);
    if (r.kind === 'change') await r.apply();
    expect(both.calls[1]).toMatchObject({ stdin: `alice:!${HASH}\n` });
    expect(both.commands[1]).not.toContain('-L');
  });
});

describe('user: check mode', () => {
  it('a group an earlier task would create lets a later task add users to it, which a third task finds done', async () => {
    const predicted = createPredictedState();
    const groups = GROUPS.filter((g) => !g.startsWith('docker:'));
    const ctx = userHost({ groups }, { check: true, predicted });
    const groupCtx = fakeHost({
      check: true,
      predicted,
      answers: [['getent group || exit', `${groups.join('\n')}\n@@passwd\n${PASSWD.join('\n')}\n`]],
    });
    expect((await planModule(userModule, { name: 'alice', groups: 'docker', append: true }, ctx)).kind).toBe('failed');
    expect((await planModule(groupModule, { name: 'docker' }, groupCtx)).kind).toBe('change');
    for (const name of ['alice', 'bob']) {
      expect((await planModule(userModule, { name, groups: 'docker', append: true }, ctx)).kind, name).toBe('change');
      expect((await planModule(userModule, { name, groups: 'docker', append: true }, ctx)).kind, name).toBe('ok');
    }
    // bob kept sudo (append).
    expect((await planModule(userModule, { name: 'bob', groups: 'sudo,docker' }, ctx)).kind).toBe('ok');
    expect([...ctx.commands, ...groupCtx.commands].every((c) => c.includes('getent group || exit'))).toBe(true);
  });

  it('a user an earlier task would create is seen with its group, home and password; removing it is seen too', async () => {
    const predicted = createPredictedState();
    const ctx = userHost({}, { check: true, predicted });
    const created = await planModule(userModule, { name: 'dave', uid: 1500, shell: '/bin/bash', password: HASH }, ctx);
    expect(created.kind).toBe('change');
    expect(predicted.file('/home/dave')).toEqual({ type: 'directory', mode: '0755', owner: 'dave', group: 'dave' });
    // useradd made its own group with the uid as gid (free and in range).
    expect(
      await planModule(
        groupModule,
        { name: 'dave', gid: 1500 },
        fakeHost({ check: true, predicted, answers: [['getent group', probeOutput()]] }),
      ),
    ).toMatchObject({ kind: 'ok' });
    const again = await planModule(userModule, { name: 'dave', uid: 1500, group: 'dave', shell: '/bin/bash', password: HASH }, ctx);
    expect(again).toMatchObject({ kind: 'ok', data: { uid: 1500, group: 1500, home: '/home/dave', shell: '/bin/bash' } });
    expect((await planModule(userModule, { name: 'dave', password_lock: true }, ctx)).kind).toBe('change');
    expect((await planModule(userModule, { name: 'dave', password_lock: true }, ctx)).kind).toBe('ok');
    expect((await planModule(userModule, { name: 'dave', state: 'absent', remove: true }, ctx)).kind).toBe('change');
    expect(predicted.file('/home/dave')).toEqual({ type: 'absent' });
    expect((await planModule(userModule, { name: 'dave', state: 'absent' }, ctx)).kind).toBe('ok');
    // userdel removed its own group too (USERGROUPS_ENAB yes, no other members).
    expect((await planModule(userModule, { name: 'x', group: 'dave' }, ctx)).kind).toBe('failed');
  });

  it('an id the host would allocate is unknown to a later task that compares it', async () => {
    const predicted = createPredictedState();
    const ctx = userHost({}, { check: true, predicted });
    expect((await planModule(userModule, { name: 'dave' }, ctx)).kind).toBe('change');
    expect((await planModule(userModule, { name: 'dave' }, ctx)).kind).toBe('ok');
    expect(await planModule(userModule, { name: 'dave', uid: 1234 }, ctx)).toMatchObject({ kind: 'unknown' });
    expect((await planModule(userModule, { name: 'dave', group: 'dave' }, ctx)).kind).toBe('ok');
    expect(await planModule(userModule, { name: 'dave', group: 'users' }, ctx)).toMatchObject({ kind: 'change' });
  });

  it('a gid an earlier group task changes is the user’s new primary gid', async () => {
    const predicted = createPredictedState();
    const groupCtx = fakeHost({ check: true, predicted, answers: [['getent group', probeOutput()]] });
    expect((await planModule(groupModule, { name: 'alice', gid: 2000 }, groupCtx)).kind).toBe('change');
    const p = await planModule(userModule, { name: 'alice', group: 'alice' }, userHost({}, { check: true, predicted }));
    expect(p).toMatchObject({ kind: 'ok', data: { group: 2000 } });
  });

  it('a group missing after a task check mode cannot follow (installing docker-ce) is unknown, not a failure', async () => {
    const predicted = createPredictedState();
    predicted.markOpaque('install docker-ce');
    const groups = GROUPS.filter((g) => !g.startsWith('docker:'));
    const p = await planModule(
      userModule,
      { name: 'alice', groups: 'docker', append: true },
      userHost({ groups }, { check: true, predicted }),
    );
    expect(p.kind).toBe('unknown');
    expect(p.msg).toContain("'install docker-ce'");
  });
});

describe('user: the read on a real shell', () => {
  it('parses what userProbeCommand prints for root: its entry, its home, and a password state without the hash', async () => {
    const r = await new LocalConnection('local').exec(userProbeCommand('root', '/', true));
    expect(r.exitCode, r.stderr).toBe(0);
    const ctx = fakeHost({ reply: r.stdout });
    const p = await planModule(userModule, { name: 'root', home: '/root', uid: 0 }, ctx);
    expect(p).toMatchObject({ kind: 'ok', data: { uid: 0, group: 0, home: '/root' } });
    const shadowPart = r.stdout.split('@@shadow\n')[1] ?? '';
    expect(shadowPart.trim().split('\n').at(-1)).toMatch(/^[0-9a-f]{64}$/);
    expect(shadowPart).not.toContain('$');
  });
});
