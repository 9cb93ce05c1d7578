// systemd: the probe parser, the step decisions (mask, enable, state, daemon-reload rule), and the plan
// over a fake host that answers with canned outputs.
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPredictedState } from '../../../../engine/executor/predicted.ts';
import { checkSchema } from '../../../../engine/playbook/schemaCheck.ts';
import type { ModuleContext, Plan } from '../../../../engine/types.ts';
import { systemdModule } from '../../../../modules/systemd/index.ts';
import { applyScript } from '../../../../modules/systemd/apply.ts';
import { afterOpaqueTask, decideUnit, isStale, type UnitRequest } from '../../../../modules/systemd/decide.ts';
import {
  parseProbe,
  parseStaleUnits,
  probeCommand,
  staleUnitsCommand,
  unitName,
  type UnitStatus,
} from '../../../../modules/systemd/probe.ts';
import { fakeHost } from '../../../support/fakeHost.ts';

/** `systemctl show` output as systemd 252 prints it (its own property order). */
function show(p: Partial<Record<string, string>>): string {
  const all = {
    MainPID: '0',
    LoadState: 'loaded',
    ActiveState: 'inactive',
    SubState: 'dead',
    FragmentPath: '/lib/systemd/system/containerd.service',
    UnitFileState: 'disabled',
    ActiveEnterTimestamp: '',
    CanReload: 'no',
    NeedDaemonReload: 'no',
    LoadError: '',
    ...p,
  };
  return (
    Object.entries(all)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n') + '\n'
  );
}

const MASKED_CONTAINERD =
  show({
    LoadState: 'masked',
    FragmentPath: '/etc/systemd/system/containerd.service',
    UnitFileState: 'masked',
    LoadError: 'org.freedesktop.systemd1.UnitMasked "Unit containerd.service is masked."',
  }) + '@is-enabled=masked\n@link=/etc/systemd/system/containerd.service=/dev/null\n@link=/run/systemd/system/containerd.service=\n';
const ACTIVE_CONTAINERD =
  show({ ActiveState: 'active', SubState: 'running', MainPID: '85', UnitFileState: 'enabled' }) +
  '@is-enabled=enabled\n@link=/etc/systemd/system/containerd.service=\n@link=/run/systemd/system/containerd.service=\n' +
  '@wanted=/etc/systemd/system/multi-user.target.wants/containerd.service\n';
const MISSING_KUBELET =
  show({
    LoadState: 'not-found',
    FragmentPath: '',
    UnitFileState: '',
    LoadError: 'org.freedesktop.systemd1.NoSuchUnit "Unit kubelet.service not found."',
  }) + '@is-enabled=\n@link=/etc/systemd/system/kubelet.service=\n@link=/run/systemd/system/kubelet.service=\n';

const req = (r: Partial<UnitRequest>): UnitRequest => ({
  unit: 'containerd.service',
  daemonReload: false,
  missingOk: false,
  check: false,
  ...r,
});
const status = (unit: string, out: string, more: Partial<UnitStatus> = {}): UnitStatus => ({ ...parseProbe(unit, out), ...more });

describe('unit names and the probe', () => {
  it('implies .service when the name has no unit-type suffix', () => {
    expect(unitName('containerd')).toBe('containerd.service');
    expect(unitName('docker.socket')).toBe('docker.socket');
    expect(unitName('getty@tty1')).toBe('getty@tty1.service');
    expect(unitName('my.app')).toBe('my.app.service');
    expect(unitName('-.mount')).toBe('-.mount');
  });

  it("names units in check mode's predicted state as the module does: my.app is my.app.service (#14)", () => {
    const p = createPredictedState();
    p.setUnit('my.app', { active: true });
    expect(p.unit('my.app.service')).toEqual({ active: true });
    p.setUnit('docker.socket', { active: false });
    expect(p.unit('docker.socket.service')).toBeUndefined();
    expect(p.unit('docker.socket')).toEqual({ active: false });
  });

  it('parses show properties, is-enabled, mask links and enablement links', () => {
    const s = parseProbe('containerd.service', MASKED_CONTAINERD);
    expect(s).toMatchObject({ loadState: 'masked', activeState: 'inactive', unitFileState: 'masked', needDaemonReload: false, mainPid: 0 });
    expect(s.maskLinks).toEqual(['/etc/systemd/system/containerd.service']);
    expect(s.properties.LoadError).toBe('org.freedesktop.systemd1.UnitMasked "Unit containerd.service is masked."');
    expect(Object.keys(s.properties)).not.toContain('@is-enabled');
    const a = parseProbe('containerd.service', ACTIVE_CONTAINERD);
    expect(a).toMatchObject({ mainPid: 85, maskLinks: [], wantedBy: ['/etc/systemd/system/multi-user.target.wants/containerd.service'] });
    expect(parseStaleUnits('@stale=a.service\n@stale=b.socket\nx=y\n')).toEqual(['a.service', 'b.socket']);
  });
});

describe('the stale-unit scan, run by /bin/sh with logging stand-ins for busctl, find and systemctl', () => {
  /**
   * Runs staleUnitsCommand() with `busctl` printing `loaded`, `find` printing `found` and `systemctl
   * list-units` printing `listed`; returns the output and each stand-in's argv.
   */
  function gate(loaded: string, found: string, listed = ''): { out: string; calls: Record<string, string[]> } {
    const bin = mkdtempSync(path.join(os.tmpdir(), 'fp-systemd-gate-'));
    const stub = (name: string, body: string) =>
      writeFileSync(path.join(bin, name), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${bin}/${name}.log'\n${body}\n`, { mode: 0o755 });
    stub('busctl', `printf '%s\\n' '${loaded}'`);
    stub('find', `printf '%s' '${found}'`);
    // show: every unit it is asked about, the first one stale.
    stub(
      'systemctl',
      [
        `case $1 in list-units) printf '%s' '${listed}' ;;`,
        `show) shift 4; s=yes; for u; do printf 'Id=%s\\nNeedDaemonReload=%s\\n\\n' "$u" $s; s=no; done ;; esac`,
      ].join('\n'),
    );
    const out = execFileSync('/bin/sh', ['-c', staleUnitsCommand()], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` },
    });
    const log = (name: string) => {
      try {
        return readFileSync(path.join(bin, `${name}.log`), 'utf8')
          .split('\n')
          .filter(Boolean);
      } catch {
        return [];
      }
    };
    return { out, calls: { find: log('find'), systemctl: log('systemctl') } };
  }
  const asked = (calls: Record<string, string[]>) => calls.systemctl!.filter((c) => c.startsWith('show '));

  it('asks find for unit files changed since the units were loaded, with zero-padded microseconds and 5 ms of slack', () => {
    const { out, calls } = gate('t 1234005123', '');
    expect(calls.find).toEqual([
      '/etc/systemd/system /run/systemd/system /usr/local/lib/systemd/system /lib/systemd/system /usr/lib/systemd/system -newerct @1234.000123',
    ]);
    expect(calls.systemctl).toEqual([]);
    expect(parseStaleUnits(out)).toEqual([]);
  });

  it('asks every loaded unit only when systemd does not say when it loaded them', () => {
    for (const loaded of ['t 0', '']) {
      const { out, calls } = gate(loaded, '');
      expect(calls.systemctl).toEqual(['show -p Id,NeedDaemonReload -- *']);
      expect(parseStaleUnits(out)).toEqual(['*']);
    }
  });

  it('asks only the units whose files, aliases, masks or drop-ins changed', () => {
    const found = [
      '/etc/systemd/system/x.service',
      '/etc/systemd/system/containerd.service',
      '/usr/local/lib/systemd/system/x.service',
      '/lib/systemd/system/dbus-org.freedesktop.timesync1.service',
      '/etc/systemd/system/kubelet.service.d/10-kubeadm.conf',
      '/etc/systemd/system/kubelet.service.d',
      '/etc/systemd/system/multi-user.target.wants/x.service',
      '/etc/systemd/system/multi-user.target.wants',
      '/etc/systemd/system/README',
      '',
    ].join('\n');
    const { out, calls } = gate('t 1234005123', found);
    expect(asked(calls)).toEqual([
      'show -p Id,NeedDaemonReload -- containerd.service dbus-org.freedesktop.timesync1.service kubelet.service x.service',
    ]);
    expect(calls.systemctl!.some((c) => c.startsWith('list-units'))).toBe(false);
    expect(parseStaleUnits(out)).toEqual(['containerd.service']);
  });

  it("asks a template's loaded instances about the template's drop-ins", () => {
    const { calls } = gate(
      't 1234005123',
      '/etc/systemd/system/getty@.service.d/override.conf\n',
      'getty@tty1.service loaded active running Getty\n',
    );
    expect(calls.systemctl).toEqual([
      'list-units --all --plain --no-legend --full -- getty@*.service',
      'show -p Id,NeedDaemonReload -- getty@tty1.service',
    ]);
  });

  it('asks the loaded units that have no file left when a unit directory itself changed (a file was removed)', () => {
    const listed = [
      'fp-gone-1a2b.service loaded active running Gone',
      '● fp-gone-3c4d.socket loaded failed failed Gone too',
      'fp-missing-5e6f.service not-found inactive dead fp-missing-5e6f.service',
      'dev-sda.device loaded active plugged Disk',
      'session-1.scope loaded active running Session',
      '',
    ].join('\n');
    const { calls } = gate('t 1234005123', '/lib/systemd/system\n', listed);
    expect(asked(calls)).toEqual(['show -p Id,NeedDaemonReload -- fp-gone-1a2b.service fp-gone-3c4d.socket']);
  });

  it('asks every unit for type-wide and prefix drop-ins, which extend many units', () => {
    for (const found of ['/etc/systemd/system/service.d/10-all.conf\n', '/lib/systemd/system/user-.slice.d/10-defaults.conf\n']) {
      const { calls } = gate('t 1234005123', found);
      expect(asked(calls)).toEqual(['show -p Id,NeedDaemonReload -- *']);
    }
  });
});

describe('decideUnit', () => {
  it('unmasks, enables, reloads once and starts the masked containerd of seed 000', () => {
    const d = decideUnit(req({ masked: false, enabled: true, state: 'started' }), status('containerd.service', MASKED_CONTAINERD));
    expect(d).toEqual({
      kind: 'change',
      msg: 'containerd.service: unmask, enable, daemon-reload, start',
      steps: ['unmask', 'enable', 'daemon-reload', 'start'],
      diff: [{ header: 'containerd.service', before: 'masked, disabled, inactive', after: 'unmasked, enabled, active' }],
    });
  });

  it('is ok when the unit is already as asked', () => {
    const d = decideUnit(req({ masked: false, enabled: true, state: 'started' }), status('containerd.service', ACTIVE_CONTAINERD));
    expect(d).toEqual({ kind: 'ok', msg: 'containerd.service is unmasked, enabled, active' });
  });

  it('refuses to start or enable a unit that stays masked, and says how to fix it', () => {
    const s = status('containerd.service', MASKED_CONTAINERD);
    expect(decideUnit(req({ state: 'started' }), s)).toEqual({
      kind: 'failed',
      msg: 'cannot start containerd.service: containerd.service is masked (/etc/systemd/system/containerd.service → /dev/null); add masked: false to unmask it',
    });
    expect(decideUnit(req({ enabled: true }), s).msg).toMatch(/^cannot enable containerd.service: .*add masked: false/);
    expect(decideUnit(req({ masked: true, state: 'restarted' }), status('containerd.service', ACTIVE_CONTAINERD)).msg).toMatch(
      /the task also masks/,
    );
  });

  it('unmasks a runtime mask with --runtime', () => {
    const s = status(
      'foo.service',
      show({ LoadState: 'masked', UnitFileState: 'masked-runtime' }) +
        '@is-enabled=masked-runtime\n@link=/run/systemd/system/foo.service=/dev/null\n',
    );
    const d = decideUnit(req({ unit: 'foo.service', masked: false }), s);
    expect(d.kind === 'change' && d.steps).toEqual(['unmask-runtime', 'daemon-reload']);
  });

  it('fails on a unit that does not exist like Ansible, unless missing_ok covers stop/disable', () => {
    const s = status('kubelet.service', MISSING_KUBELET);
    const k = (r: Partial<UnitRequest>) => decideUnit(req({ unit: 'kubelet.service', ...r }), s);
    expect(k({ state: 'stopped' })).toEqual({
      kind: 'failed',
      msg: 'Could not find the requested service kubelet.service: host (add missing_ok: true to accept a unit that does not exist)',
    });
    expect(k({ state: 'stopped', enabled: false, missingOk: true })).toEqual({
      kind: 'ok',
      msg: 'kubelet.service does not exist (missing_ok: nothing to stop or disable)',
    });
    expect(k({ state: 'started', missingOk: true })).toEqual({
      kind: 'failed',
      msg: 'Could not find the requested service kubelet.service: host',
    });
    expect(k({ enabled: true, missingOk: true }).kind).toBe('failed');
    // With nothing predicted to install it, an earlier task check mode cannot predict still might.
    expect(k({ state: 'started', check: true, opaqueTask: 'run installer' })).toMatchObject({
      kind: 'unknown',
      msg: expect.stringMatching(
        /does not exist and no earlier task is predicted to install it, but 'run installer', whose effects check mode cannot predict, may/,
      ),
    });
    // Without such a task the unit cannot appear: check mode predicts the real run's failure (issue #13).
    expect(k({ state: 'started', check: true })).toMatchObject({
      kind: 'failed',
      msg: expect.stringMatching(/Could not find the requested service/),
    });
    expect(k({ state: 'stopped', check: true }).kind).toBe('failed');
    expect(k({ state: 'stopped', check: true, missingOk: true }).kind).toBe('ok');
    // Masking works on a unit that does not exist, as systemctl allows.
    expect(k({ masked: true })).toMatchObject({
      kind: 'change',
      steps: ['mask', 'daemon-reload'],
      diff: [{ before: 'not found', after: 'masked' }],
    });
  });

  it('check mode: a state predicted from earlier tasks, then a task it cannot predict (an install), is unknown', () => {
    // containerd-apt.yml after containerd.yml (#13): the release containerd is predicted stopped and
    // disabled, then containerd is installed from a repository added in the same run (unknown), whose
    // maintainer scripts enable and start it: "Enable and start containerd" was predicted changed, real ok.
    const p = createPredictedState();
    p.setUnit('containerd', { active: false, enabled: false });
    expect(p.opaqueSinceUnit('containerd')).toBeUndefined();
    p.markOpaque('Install containerd');
    expect(p.opaqueSinceUnit('containerd.service')).toBe('Install containerd');
    const change = decideUnit(
      req({ masked: false, enabled: true, state: 'started', check: true }),
      status('containerd.service', MASKED_CONTAINERD),
    );
    expect(change.kind).toBe('change');
    expect(afterOpaqueTask(req({ check: true }), change, p.opaqueSinceUnit('containerd'))).toMatchObject({
      kind: 'unknown',
      msg: expect.stringMatching(
        /^containerd\.service: its state here is predicted from earlier tasks, but 'Install containerd', whose effects check mode cannot predict, ran after them/,
      ),
    });
    // A failure read from predicted state is unknown too: a mask whose removal was unknown may be gone.
    const failed = { kind: 'failed' as const, msg: 'cannot start containerd.service: containerd.service is masked' };
    expect(afterOpaqueTask(req({ check: true }), failed, 'Remove the mask').kind).toBe('unknown');
    // A prediction made after the opaque task is trusted again.
    p.setUnit('containerd', { active: true });
    expect(p.opaqueSinceUnit('containerd')).toBeUndefined();
    expect(afterOpaqueTask(req({ check: true }), change, p.opaqueSinceUnit('containerd'))).toBe(change);
    expect(afterOpaqueTask(req({ check: true }), failed, p.opaqueSinceUnit('containerd'))).toBe(failed);
    // A unit no prediction set counts every opaque task since the start; outside check mode nothing changes.
    expect(p.opaqueSinceUnit('docker')).toBe('Install containerd');
    expect(afterOpaqueTask(req({ check: false }), change, 'Install containerd')).toBe(change);
  });

  it('always restarts or reloads; a stopped unit is started instead', () => {
    const active = status('containerd.service', ACTIVE_CONTAINERD);
    const inactive = status('containerd.service', show({}) + '@is-enabled=disabled\n');
    expect(decideUnit(req({ state: 'restarted' }), active)).toMatchObject({
      steps: ['restart'],
      diff: [{ after: 'unmasked, enabled, active (restarted)' }],
    });
    expect(decideUnit(req({ state: 'restarted' }), inactive)).toMatchObject({ steps: ['start'] });
    expect(decideUnit(req({ state: 'reloaded' }), { ...active, canReload: true })).toMatchObject({ steps: ['reload'] });
    expect(decideUnit(req({ state: 'reloaded' }), active)).toEqual({
      kind: 'failed',
      msg: 'containerd.service cannot reload (no ExecReload=); use state: restarted',
    });
  });

  it('stops only a running unit', () => {
    const active = status('containerd.service', ACTIVE_CONTAINERD);
    expect(decideUnit(req({ state: 'stopped' }), active)).toMatchObject({
      steps: ['stop'],
      diff: [{ after: 'unmasked, enabled, inactive' }],
    });
    expect(decideUnit(req({ state: 'stopped' }), { ...active, activeState: 'failed' }).kind).toBe('ok');
  });

  it('leaves static units alone for enabled: true and false', () => {
    const s = status('systemd-journald.service', show({ ActiveState: 'active', UnitFileState: 'static' }) + '@is-enabled=static\n');
    expect(decideUnit(req({ unit: 'systemd-journald.service', enabled: true }), s).kind).toBe('ok');
    expect(decideUnit(req({ unit: 'systemd-journald.service', enabled: false }), s).kind).toBe('ok');
  });

  it('enables an indirect or alias unit unless is-enabled --full lists installation links, as Ansible does', () => {
    // dummy.service's [Install] has only Also=dummy.socket: is-enabled says `indirect` before and after enable.
    const alone = status('dummy.service', show({ FragmentPath: '/etc/systemd/system/dummy.service' }) + '@is-enabled=indirect\n');
    const linked = status(
      'dummy.service',
      show({ FragmentPath: '/etc/systemd/system/dummy.service' }) +
        '@is-enabled=indirect\n@install=/etc/systemd/system/sockets.target.wants/dummy.socket\n',
    );
    expect(alone.installLinks).toEqual([]);
    expect(linked.installLinks).toEqual(['/etc/systemd/system/sockets.target.wants/dummy.socket']);
    expect(decideUnit(req({ unit: 'dummy.service', enabled: true }), alone)).toMatchObject({
      kind: 'change',
      steps: ['enable', 'daemon-reload'],
    });
    expect(decideUnit(req({ unit: 'dummy.service', enabled: true }), linked).kind).toBe('ok');
    expect(decideUnit(req({ unit: 'dummy.service', enabled: false }), alone).kind).toBe('ok');
    expect(decideUnit(req({ unit: 'dummy.service', enabled: false }), linked)).toMatchObject({ steps: ['disable', 'daemon-reload'] });
    const alias = status('al2.service', show({}) + '@is-enabled=alias\n');
    expect(decideUnit(req({ unit: 'al2.service', enabled: true }), alias)).toMatchObject({ steps: ['enable', 'daemon-reload'] });
    expect(decideUnit(req({ unit: 'al2.service', enabled: false }), alias).kind).toBe('ok');
  });

  it('reads the state and the installation links from is-enabled --full in the probe', () => {
    const line =
      probeCommand('dummy.service', false)
        .split('\n')
        .find((l) => l.includes('is-enabled')) ?? '';
    const stub = "systemctl() { printf 'indirect\\n  /etc/systemd/system/sockets.target.wants/dummy.socket\\n'; }";
    const out = execFileSync('sh', ['-c', `${stub}\nu=dummy.service\n${line}`], { encoding: 'utf8' });
    expect(out).toBe('@is-enabled=indirect\n@install=/etc/systemd/system/sockets.target.wants/dummy.socket\n');
    const none = execFileSync('sh', ['-c', `systemctl() { return 1; }\nu=x.service\n${line}`], { encoding: 'utf8' });
    expect(parseProbe('x.service', none)).toMatchObject({ unitFileState: '', installLinks: [] });
  });

  it('disables an enabled unit, and trusts is-enabled over the cached UnitFileState', () => {
    const s = status('containerd.service', ACTIVE_CONTAINERD, { unitFileState: 'disabled' });
    expect(decideUnit(req({ enabled: false }), status('containerd.service', ACTIVE_CONTAINERD))).toMatchObject({
      steps: ['disable', 'daemon-reload'],
    });
    expect(decideUnit(req({ enabled: false }), s).kind).toBe('ok');
  });
});

describe('the daemon-reload rule', () => {
  const inactive = (more: Partial<UnitStatus> = {}) => status('containerd.service', show({}) + '@is-enabled=disabled\n', more);

  it('reloads before starting a unit whose file changed on disk (NeedDaemonReload=yes)', () => {
    expect(decideUnit(req({ state: 'started' }), inactive({ needDaemonReload: true }))).toMatchObject({
      steps: ['daemon-reload', 'start'],
    });
  });

  it('counts a mask link that disagrees with LoadState as stale (NeedDaemonReload misses it)', () => {
    expect(isStale(inactive({ maskLinks: ['/etc/systemd/system/containerd.service'] }))).toBe(true);
    expect(isStale(inactive({ loadState: 'masked' }))).toBe(true);
    expect(isStale(inactive())).toBe(false);
  });

  it('does not reload a stale unit with nothing to do unless daemon_reload is given', () => {
    const running = status('containerd.service', ACTIVE_CONTAINERD, { needDaemonReload: true });
    expect(decideUnit(req({ state: 'started' }), running)).toEqual({
      kind: 'ok',
      msg: 'containerd.service is unmasked, enabled, active (its unit file changed on disk; daemon_reload: true would load it)',
    });
    expect(decideUnit(req({ state: 'started', daemonReload: true }), running)).toMatchObject({ steps: ['daemon-reload'] });
  });

  it('treats daemon_reload: true as a no-op when no unit needs it, and reloads for any stale unit', () => {
    const running = status('containerd.service', ACTIVE_CONTAINERD);
    expect(decideUnit(req({ state: 'started', daemonReload: true }), running).kind).toBe('ok');
    expect(decideUnit(req({ state: 'started', daemonReload: true }), { ...running, staleUnits: ['docker.service'] })).toMatchObject({
      steps: ['daemon-reload'],
    });
    expect(decideUnit(req({ state: 'restarted', daemonReload: true }), running)).toMatchObject({ steps: ['daemon-reload', 'restart'] });
  });
});

describe('apply script', () => {
  it('passes --no-reload to unit-file steps, reloads once, and ends with the status', () => {
    const s = applyScript("we'ird.service", ['unmask', 'enable', 'daemon-reload', 'start']);
    expect(s).toContain(`u='we'\\''ird.service'`);
    expect(s.indexOf('systemctl unmask --no-reload -- "$u"')).toBeLessThan(s.indexOf('systemctl enable --no-reload -- "$u"'));
    expect(s.indexOf('systemctl enable --no-reload')).toBeLessThan(s.indexOf('systemctl daemon-reload'));
    expect(s.indexOf('systemctl daemon-reload')).toBeLessThan(s.indexOf('systemctl start -- "$u"'));
    expect(s.match(/systemctl daemon-reload/g)?.length).toBe(1);
    expect(s).toMatch(/echo @step=done\nsystemctl show -p LoadState,.*-- "\$u"$/);
  });
});

describe('systemd module plan', () => {
  it('validates its arguments', () => {
    const issues = (a: unknown) => checkSchema(systemdModule.schema, a, "module 'systemd'").map((i) => i.message);
    expect(issues({ name: 'containerd', state: 'started', enabled: true, masked: false, missing_ok: true })).toEqual([]);
    expect(issues({ daemon_reload: true })).toEqual([]);
    expect(issues({ name: 'x', state: 'running' })[0]).toMatch(/must be one of: started, stopped, restarted, reloaded/);
    expect(issues({ name: 'x', daemon_reexec: true, scope: 'user', no_block: true, force: true })).toEqual([]);
    expect(issues({ daemon_reexec: true })).toEqual([]);
    expect(issues({ name: 'x', scope: 'session' })[0]).toMatch(/must be one of: system, user, global/);
    expect(issues({ name: 'x', frobnicate: true })[0]).toMatch(/unknown argument 'frobnicate'/);
    expect(issues({ name: 'x; rm -rf /' }).length).toBe(1);
    expect(issues({ state: 'started' }).length).toBeGreaterThan(0);
  });

  it("takes service's `use` as a backend name: systemd runs, another fails its task (not the playbook) before any read", async () => {
    const issues = (a: unknown) => checkSchema(systemdModule.schema, a, "module 'systemd'").map((i) => i.message);
    expect(issues({ name: 'x', use: 'sysvinit', sleep: 2, pattern: 'x', arguments: '-v' })).toEqual([]);
    const host = fakeHost({ reply: '' });
    const plan = await planModule(systemdModule, { name: 'x', state: 'started', use: 'sysvinit' }, host);
    expect(plan).toMatchObject({ kind: 'failed', msg: expect.stringMatching(/^use: sysvinit: .*systemd backend only/) });
    expect(host.commands).toEqual([]);
    const ok = fakeHost({ answers: [[/systemctl show/, { stdout: ACTIVE_CONTAINERD }]] });
    expect(await planModule(systemdModule, { name: 'containerd', state: 'started', use: 'systemd' }, ok)).toMatchObject({ kind: 'ok' });
  });

  it('probes once, returns status, and applies in one command with the new status', async () => {
    const after = show({ ActiveState: 'active', SubState: 'running', MainPID: '99', UnitFileState: 'enabled' });
    const host = fakeHost({
      answers: [
        [/^u=containerd.service\nsystemctl show/, { stdout: MASKED_CONTAINERD }],
        [/^set -e/, { stdout: `@step=unmask\n@step=enable\n@step=daemon-reload\n@step=start\n@step=done\n${after}` }],
      ],
    });
    const plan = (await planModule(systemdModule, { name: 'containerd', masked: false, enabled: true, state: 'started' }, host)) as Extract<
      Plan,
      { kind: 'change' }
    >;
    expect(plan.kind).toBe('change');
    expect(host.commands).toHaveLength(1);
    // `name` is the task's, as Ansible returns it; the messages name the full unit.
    expect(plan.data).toMatchObject({ name: 'containerd', state: 'started', enabled: true, status: { LoadState: 'masked' } });
    const outcome = await plan.apply();
    expect(host.commands).toHaveLength(2);
    expect(outcome).toMatchObject({
      kind: 'changed',
      msg: 'containerd.service: unmasked, enabled, reloaded systemd, started',
      data: { status: { MainPID: '99', ActiveState: 'active' } },
    });
  });

  it('names the step that failed and what ran before it', async () => {
    const host = fakeHost({
      answers: [
        [/^u=/, { stdout: MASKED_CONTAINERD }],
        [
          /^set -e/,
          {
            stdout: '@step=unmask\n@step=enable\n@step=daemon-reload\n@step=start\n',
            stderr: 'Job for containerd.service failed.\n',
            exitCode: 1,
          },
        ],
      ],
    });
    const plan = (await planModule(systemdModule, { name: 'containerd', masked: false, enabled: true, state: 'started' }, host)) as Extract<
      Plan,
      { kind: 'change' }
    >;
    expect(await plan.apply()).toMatchObject({
      kind: 'failed',
      msg: 'Unable to start containerd.service (after it unmasked, enabled, reloaded systemd): Job for containerd.service failed.',
    });
  });

  it('reports a probe failure (no systemd) as failed', async () => {
    const host = fakeHost({
      answers: [[/^u=/, { exitCode: 1, stderr: "System has not been booted with systemd as init system (PID 1). Can't operate.\n" }]],
    });
    expect(await planModule(systemdModule, { name: 'containerd', state: 'started' }, host)).toMatchObject({
      kind: 'failed',
      msg: expect.stringMatching(/not been booted with systemd/),
    });
  });

  it('reloads alone only when some loaded unit needs it', async () => {
    const none = fakeHost({ answers: [[/systemctl show -p Id,NeedDaemonReload/, { stdout: '' }]] });
    expect(await planModule(systemdModule, { daemon_reload: true }, none)).toEqual({
      kind: 'ok',
      msg: 'no loaded unit needs a daemon-reload',
    });
    const some = fakeHost({ answers: [[/systemctl show -p Id,NeedDaemonReload/, { stdout: '@stale=containerd.service\n' }]] });
    expect(await planModule(systemdModule, { daemon_reload: true }, some)).toMatchObject({
      kind: 'change',
      msg: 'daemon-reload (containerd.service changed on disk)',
    });
  });
});

describe('check mode reads and records predicted state', () => {
  const UNIT = '/usr/local/lib/systemd/system/containerd.service';
  const UNIT_TEXT = '[Service]\nExecStart=/usr/local/bin/containerd\n\n[Install]\nWantedBy=multi-user.target\n';
  // The legacy node: the package's unit under /lib (= /usr/lib, merged /usr), masked by a /dev/null link.
  const LEGACY = `${MASKED_CONTAINERD}@unitfile=/lib/systemd/system/containerd.service\n@unitfile=/usr/lib/systemd/system/containerd.service\n`;
  const NOT_FOUND = MISSING_KUBELET.replaceAll('kubelet', 'containerd');
  const plan = (h: ModuleContext, args: Record<string, unknown>) =>
    planModule(systemdModule, { name: 'containerd', ...args }, h) as Promise<Plan>;

  it('follows the fresh-node sequence: package removed, unmasked, unit templated, enabled and started, restarted', async () => {
    const h = fakeHost({ check: true, answers: [[/^u=/, { stdout: LEGACY }]] });
    // What the apt task records for the removed containerd package (see apt.test.ts).
    for (const f of ['/lib/systemd/system/containerd.service', '/usr/lib/systemd/system/containerd.service'])
      h.predicted.setFile(f, { type: 'absent' });
    h.predicted.setPackage('containerd', 'absent');
    const { recordRemovedUnits } = await import('../../../../modules/lib/systemdManager.ts');
    recordRemovedUnits(h.predicted, ['containerd.service']);

    expect(await plan(h, { masked: false })).toMatchObject({
      kind: 'change',
      msg: 'containerd.service: unmask, daemon-reload',
      diff: [{ before: 'masked, disabled, inactive', after: 'unmasked, disabled, inactive' }],
    });
    expect(h.predicted.unit('containerd')).toEqual({ loaded: false, active: false, masked: false });
    expect(h.predicted.file('/etc/systemd/system/containerd.service')).toEqual({ type: 'absent' });

    // Before the unit file exists, starting it would fail in the real run too.
    expect(await plan(h, { state: 'started' })).toMatchObject({ kind: 'failed' });

    h.predicted.setFile(UNIT, { type: 'file', content: UNIT_TEXT });
    const start = await plan(h, { daemon_reload: true, enabled: true, state: 'started' });
    expect(start).toMatchObject({
      kind: 'change',
      msg: 'containerd.service: enable, daemon-reload, start',
      diff: [{ before: 'unmasked, disabled, inactive', after: 'unmasked, enabled, active' }],
      data: {
        status: { LoadState: 'loaded', ActiveState: 'inactive', UnitFileState: 'disabled', FragmentPath: UNIT, NeedDaemonReload: 'no' },
      },
    });
    expect(h.predicted.unit('containerd')).toEqual({ loaded: true, active: true, masked: false, enabled: true });

    expect(await plan(h, { state: 'restarted' })).toMatchObject({ kind: 'change', msg: 'containerd.service: restart' });
    // Every plan probed once; nothing was applied.
    expect(h.commands).toHaveLength(4);
    expect(h.commands.every((c) => c.startsWith('u='))).toBe(true);
  });

  it('plans a unit an earlier task installs on a host that never had it as loaded, disabled, inactive', async () => {
    const h = fakeHost({ check: true, answers: [[/^u=/, { stdout: NOT_FOUND }]] });
    h.predicted.setFile(UNIT, { type: 'file', content: UNIT_TEXT });
    expect(await plan(h, { daemon_reload: true, enabled: true, state: 'started' })).toMatchObject({
      kind: 'change',
      msg: 'containerd.service: enable, daemon-reload, start',
    });
    // A unit predicted loaded by another module counts too; one without [Install] is static.
    const g = fakeHost({ check: true, answers: [[/^u=/, { stdout: NOT_FOUND }]] });
    g.predicted.setUnit('containerd', { loaded: true });
    expect(await plan(g, { state: 'started' })).toMatchObject({ kind: 'change', msg: 'containerd.service: start' });
    const s = fakeHost({ check: true, answers: [[/^u=/, { stdout: NOT_FOUND }]] });
    s.predicted.setFile(UNIT, { type: 'file', content: '[Service]\nExecStart=/x\n' });
    expect(await plan(s, { enabled: true })).toMatchObject({ kind: 'ok', msg: 'containerd.service is unmasked, static, inactive' });
  });

  it('sees a unit file changed under a loaded unit as stale: daemon_reload reloads it once', async () => {
    const active = `${ACTIVE_CONTAINERD}@unitfile=${UNIT}\n`;
    const h = fakeHost({ check: true, answers: [[/^u=/, { stdout: active }]] });
    h.predicted.setFile(UNIT, { type: 'file', content: UNIT_TEXT });
    expect(await plan(h, { enabled: true, state: 'started' })).toMatchObject({
      kind: 'ok',
      msg: 'containerd.service is unmasked, enabled, active (its unit file changed on disk; daemon_reload: true would load it)',
    });
    expect(await plan(h, { daemon_reload: true, enabled: true, state: 'started' })).toMatchObject({
      kind: 'change',
      msg: 'containerd.service: daemon-reload',
    });
    // Once reloaded, the same task has nothing to do; a later change makes it stale again.
    expect(await plan(h, { daemon_reload: true, enabled: true, state: 'started' })).toMatchObject({ kind: 'ok' });
    h.predicted.setFile(UNIT, { type: 'file', content: `${UNIT_TEXT}# edited\n` });
    expect(await plan(h, { daemon_reload: true, state: 'started' })).toMatchObject({
      kind: 'change',
      msg: 'containerd.service: daemon-reload',
    });
  });

  it('records an ok task too: systemd then has the unit as on disk, so a later change of its file needs a daemon-reload (#14)', async () => {
    const h = fakeHost({ check: true, answers: [[/^u=/, { stdout: NOT_FOUND }]] });
    h.predicted.setFile(UNIT, { type: 'file', content: UNIT_TEXT });
    // is-enabled loads the new unit: nothing to disable, ok, and from here systemd has this file.
    const ok = await plan(h, { enabled: false });
    expect(ok).toEqual({ kind: 'ok', msg: 'containerd.service is unmasked, disabled, inactive', data: expect.anything() });
    h.predicted.setFile(UNIT, { type: 'file', content: `${UNIT_TEXT}# edited\n` });
    expect(await plan(h, { state: 'started' })).toMatchObject({ kind: 'change', msg: 'containerd.service: daemon-reload, start' });
    // Without the ok task, systemd never loaded it: the start loads it afresh.
    const g = fakeHost({ check: true, answers: [[/^u=/, { stdout: NOT_FOUND }]] });
    g.predicted.setFile(UNIT, { type: 'file', content: `${UNIT_TEXT}# edited\n` });
    expect(await plan(g, { state: 'started' })).toMatchObject({ kind: 'change', msg: 'containerd.service: start' });
  });

  it('stops the units that require a stopped unit along with it', async () => {
    const socket =
      show({ ActiveState: 'active', UnitFileState: 'enabled', FragmentPath: '/lib/systemd/system/docker.socket' }) +
      'RequiredBy=docker.service\n@is-enabled=enabled\n';
    const service = show({ ActiveState: 'active', FragmentPath: '/lib/systemd/system/docker.service' }) + '@is-enabled=disabled\n';
    const h = fakeHost({
      check: true,
      answers: [
        [/^u=docker.socket/, { stdout: socket }],
        [/^u=docker.service/, { stdout: service }],
      ],
    });
    expect(await planModule(systemdModule, { name: 'docker.socket', state: 'stopped' }, h)).toMatchObject({
      kind: 'change',
      msg: 'docker.socket: stop',
    });
    expect(h.predicted.unit('docker.service')).toEqual({ active: false });
    expect(await planModule(systemdModule, { name: 'docker', state: 'stopped' }, h)).toMatchObject({
      kind: 'ok',
      msg: 'docker.service is unmasked, disabled, inactive',
    });
  });

  it('decides from the host alone, in one probe, when nothing is predicted', async () => {
    const h = fakeHost({ check: true, answers: [[/^u=/, { stdout: ACTIVE_CONTAINERD }]] });
    const p = await plan(h, { daemon_reload: true, enabled: true, state: 'started' });
    expect(p).toMatchObject({ kind: 'ok', data: { status: parseProbe('containerd.service', ACTIVE_CONTAINERD).properties } });
    expect(h.commands).toHaveLength(1);
    expect(h.commands[0]).toContain('FragmentPath'); // check mode lists unit files to see predicted changes
  });

  it('daemon_reload alone counts loaded units whose unit file an earlier task changed', async () => {
    const h = fakeHost({
      check: true,
      answers: [
        [
          /systemctl show -p Id,NeedDaemonReload,FragmentPath/,
          { stdout: `@frag=containerd.service\t${UNIT}\n@frag=ssh.service\t/lib/systemd/system/ssh.service\n` },
        ],
      ],
    });
    expect(await planModule(systemdModule, { daemon_reload: true }, h)).toMatchObject({ kind: 'ok' });
    h.predicted.setFile(UNIT, { type: 'file', content: UNIT_TEXT });
    expect(await planModule(systemdModule, { daemon_reload: true }, h)).toMatchObject({
      kind: 'change',
      msg: 'daemon-reload (containerd.service changed on disk)',
    });
    expect(await planModule(systemdModule, { daemon_reload: true }, h)).toMatchObject({ kind: 'ok' });
  });
});
