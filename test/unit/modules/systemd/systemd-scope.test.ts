// systemd's scope (system, user, global), no_block, force, daemon_reexec and name's aliases, over a fake
// host with canned answers: the commands each choice sends, and check mode's prediction across tasks.
import { describe, expect, it } from 'vitest';
import { createPredictedState } from '../../../../engine/executor/predicted.ts';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { applyScript } from '../../../../modules/systemd/apply.ts';
import { systemdModule } from '../../../../modules/systemd/index.ts';
import { systemdSchema } from '../../../../modules/systemd/schema.ts';
import { fakeHost } from '../../../support/fakeHost.ts';

/** A user unit as `systemctl --user show` and the probe's file checks report it. */
function userUnit(active: 'active' | 'inactive', enabled: 'enabled' | 'disabled', extra = ''): string {
  return [
    'LoadState=loaded',
    `ActiveState=${active}`,
    `SubState=${active === 'active' ? 'running' : 'dead'}`,
    '/home/app/.config/systemd/user/sync.service',
    `UnitFileState=${enabled}`,
    'MainPID=0',
    'NeedDaemonReload=no',
    'CanReload=no',
    `@is-enabled=${enabled}`,
    '@unitfile=/home/app/.config/systemd/user/sync.service',
    '@home=/home/app',
    '@runtime=/run/user/1000',
    extra,
  ].join('\n');
}

describe('scope: user', () => {
  it("talks to the user's manager on its bus, and starts the unit there", async () => {
    const host = fakeHost({ answers: [[/systemctl --user show/, userUnit('inactive', 'enabled')]] });
    const plan = await planModule(systemdModule, { name: 'sync', scope: 'user', state: 'started' }, host);
    expect(plan).toMatchObject({ kind: 'change', msg: 'sync.service: start' });
    const probe = host.commands[0] ?? '';
    expect(probe).toContain('XDG_RUNTIME_DIR=/run/user/$(id -u); export XDG_RUNTIME_DIR');
    expect(probe).toContain(`systemctl --user is-enabled --full -- "$u"`);
    expect(probe).toContain('"$HOME/.config/systemd/user"/*.wants/"$u"');
    expect(probe).not.toMatch(/\/etc\/systemd\/system/);
    const script = applyScript('sync.service', ['start'], { scope: 'user', noBlock: false, force: false });
    expect(script).toContain('systemctl --user start -- "$u"');
    expect(script.indexOf('XDG_RUNTIME_DIR')).toBeLessThan(script.indexOf('start'));
  });

  it('check mode: a later task sees what an earlier one would do to the same user unit', async () => {
    const predicted = createPredictedState();
    const answers: Array<[RegExp, string]> = [[/systemctl --user show/, userUnit('inactive', 'disabled')]];
    const first = await planModule(
      systemdModule,
      { name: 'sync', scope: 'user', state: 'started', enabled: true },
      fakeHost({ check: true, predicted, answers }),
    );
    expect(first).toMatchObject({ kind: 'change', msg: 'sync.service: enable, daemon-reload, start' });
    const second = await planModule(
      systemdModule,
      { name: 'sync', scope: 'user', state: 'started', enabled: true },
      fakeHost({ check: true, predicted, answers }),
    );
    expect(second.kind).toBe('ok');
    // The system unit of the same name is another unit: its prediction is untouched.
    expect(predicted.unit('sync.service')).toBeUndefined();
  });

  it('check mode: a unit file an earlier task would write in the scope directories makes the unit exist', async () => {
    const predicted = createPredictedState();
    const missing = '@is-enabled=\n@home=/home/app\n@runtime=/run/user/1000\n';
    const answers: Array<[RegExp, string]> = [[/systemctl --global is-enabled/, missing]];
    const before = await planModule(
      systemdModule,
      { name: 'sync', scope: 'global', enabled: true },
      fakeHost({ check: true, predicted, answers }),
    );
    expect(before.kind).toBe('failed');
    predicted.setFile('/etc/systemd/user/sync.service', {
      type: 'file',
      content: '[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=default.target\n',
    });
    const after = await planModule(
      systemdModule,
      { name: 'sync', scope: 'global', enabled: true },
      fakeHost({ check: true, predicted, answers }),
    );
    expect(after).toMatchObject({ kind: 'change', msg: 'sync.service: enable' });
    // Content not known in advance: whether it can be enabled is not known either.
    predicted.setFile('/etc/systemd/user/sync.service', { type: 'file' });
    const unknown = await planModule(
      systemdModule,
      { name: 'sync', scope: 'global', enabled: true },
      fakeHost({ check: true, predicted, answers }),
    );
    expect(unknown.kind).toBe('unknown');
  });
});

describe('scope: global', () => {
  it('enables for every user with systemctl --global and no daemon-reload; a state is refused', async () => {
    const host = fakeHost({ reply: '@is-enabled=disabled\n@unitfile=/usr/lib/systemd/user/sync.service\n' });
    const plan = await planModule(systemdModule, { name: 'sync', scope: 'global', enabled: true }, host);
    expect(plan).toMatchObject({ kind: 'change', msg: 'sync.service: enable' });
    expect(host.commands[0]).not.toContain(' show ');
    expect(host.commands[0]).toContain('systemctl --global is-enabled');
    const script = applyScript('sync.service', ['enable'], { scope: 'global', noBlock: false, force: false });
    expect(script).toContain('systemctl --global enable -- "$u"');
    const enabled = await planModule(
      systemdModule,
      { name: 'sync', scope: 'global', enabled: true },
      fakeHost({ reply: '@is-enabled=enabled\n@unitfile=/usr/lib/systemd/user/sync.service\n' }),
    );
    expect(enabled.kind).toBe('ok');
    const started = await planModule(
      systemdModule,
      { name: 'sync', scope: 'global', state: 'started' },
      fakeHost({ reply: '@is-enabled=enabled\n' }),
    );
    expect(started).toMatchObject({ kind: 'failed', msg: expect.stringContaining('cannot be used with scope: global') });
  });
});

describe('no_block, force, daemon_reexec, aliases', () => {
  it('no_block and force go on every systemctl command, as Ansible adds them', () => {
    const script = applyScript('x.service', ['enable', 'daemon-reload', 'start'], { scope: 'system', noBlock: true, force: true });
    expect(script).toContain('systemctl --no-block --force enable --no-reload -- "$u"');
    expect(script).toContain('systemctl --no-block --force start -- "$u"');
    expect(applyScript('x.service', ['start'])).toContain('\nsystemctl start -- "$u"');
  });

  it('daemon_reexec re-executes only a manager running replaced files, and check mode carries it to later tasks', async () => {
    const unit = 'LoadState=loaded\nActiveState=active\nSubState=running\nUnitFileState=enabled\n@is-enabled=enabled\n';
    const due = await planModule(systemdModule, { name: 'x', daemon_reexec: true }, fakeHost({ reply: `${unit}@reexec=1\n` }));
    expect(due).toMatchObject({ kind: 'change', msg: 'x.service: daemon-reexec' });
    const current = await planModule(systemdModule, { name: 'x', daemon_reexec: true }, fakeHost({ reply: `${unit}@reexec=0\n` }));
    expect(current.kind).toBe('ok');
    const host = fakeHost({ reply: '@reexec=1\n' });
    const alone = await planModule(systemdModule, { daemon_reexec: true }, host);
    expect(alone).toMatchObject({ kind: 'change', msg: 'daemon-reexec (the manager runs files replaced on disk)' });
    expect(host.commands[0]).toContain('/proc/$fp_pid/maps');
    // Check mode: once an earlier task re-executes the manager, a later one has nothing to do.
    const predicted = createPredictedState();
    expect(
      (await planModule(systemdModule, { daemon_reexec: true }, fakeHost({ check: true, predicted, reply: '@reexec=1\n' }))).kind,
    ).toBe('change');
    expect(
      (await planModule(systemdModule, { daemon_reexec: true }, fakeHost({ check: true, predicted, reply: '@reexec=1\n' }))).kind,
    ).toBe('ok');
  });

  it("declares Ansible's aliases of name (service, unit), and service's own arguments are accepted", () => {
    expect(systemdSchema.properties.name.aliases).toEqual(['service', 'unit']);
    expect(systemdSchema.properties.daemon_reload.aliases).toEqual(['daemon-reload']);
    for (const k of ['sleep', 'pattern', 'runlevel', 'arguments', 'use']) expect(systemdSchema.properties).toHaveProperty(k);
  });
});
