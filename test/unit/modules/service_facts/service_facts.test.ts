// service_facts: Ansible's reading of list-units and list-unit-files into ansible_facts.services, the
// one read it sends, and check mode (earlier predicted unit states applied; unknown after what it cannot predict).
import { describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { checkSchema } from '../../../../engine/playbook/schemaCheck.ts';
import { findModule } from '../../../../modules/index.ts';
import { SERVICE_FACTS_COMMAND, serviceFactsModule } from '../../../../modules/service_facts/index.ts';
import { parseServices, UNIT_FILES_MARK } from '../../../../modules/service_facts/parse.ts';
import { fakeHost } from '../../../support/fakeHost.ts';

const UNITS = `cron.service                 loaded    active   running Regular background program processing daemon
ssh.service                  loaded    inactive dead    OpenBSD Secure Shell server
● broken.service             loaded    failed   failed  A broken one
gone.service                 not-found inactive dead    gone.service
hidden.service               masked    inactive dead    hidden.service
`;
const FILES = `cron.service      enabled  enabled
ssh.service       disabled enabled
broken.service    enabled  enabled
hidden.service    masked   enabled
getty@.service    enabled  enabled
idle.service      static   -
`;
const OUTPUT = `${UNITS}${UNIT_FILES_MARK}\n${FILES}`;

type Services = Record<string, { state: string; status: string }>;

/** The services a decision returns; throws when it returns none. */
function servicesOf(d: { data?: Record<string, unknown> }): Services {
  const facts = d.data?.ansible_facts as { services?: Services } | undefined;
  if (!facts?.services) throw new Error('no ansible_facts.services');
  return facts.services;
}

describe('service_facts parsing', () => {
  it("gives each service Ansible's name, state, status and source", () => {
    expect(parseServices(OUTPUT)).toEqual({
      'cron.service': { name: 'cron.service', state: 'running', status: 'enabled', source: 'systemd' },
      'ssh.service': { name: 'ssh.service', state: 'stopped', status: 'disabled', source: 'systemd' },
      // a bad state in the unit's columns is its status; the unit file's does not replace it
      'broken.service': { name: 'broken.service', state: 'stopped', status: 'failed', source: 'systemd' },
      'gone.service': { name: 'gone.service', state: 'stopped', status: 'not-found', source: 'systemd' },
      'hidden.service': { name: 'hidden.service', state: 'stopped', status: 'masked', source: 'systemd' },
      // unit files of units not loaded: inactive, as systemctl show reports them
      'getty@.service': { name: 'getty@.service', state: 'inactive', status: 'enabled', source: 'systemd' },
      'idle.service': { name: 'idle.service', state: 'inactive', status: 'static', source: 'systemd' },
    });
  });

  it('a loaded unit without a unit file keeps its ACTIVE column as status; a malformed unit-file line fails; __proto__ is a plain key', () => {
    expect(parseServices('run-x.service loaded active running Transient\n')['run-x.service']?.status).toBe('active');
    expect(() => parseServices(`${UNIT_FILES_MARK}\nlonely.service\n`)).toThrow(
      /Malformed output discovered from systemd list-unit-files: lonely.service/,
    );
    const odd = parseServices(`${UNIT_FILES_MARK}\n__proto__.service enabled\n`);
    expect(Object.getPrototypeOf(odd)).toBe(Object.prototype);
    expect(Object.keys(odd)).toEqual(['__proto__.service']);
  });
});

describe('service_facts plan', () => {
  it('takes no arguments and is found by its long name', () => {
    expect(checkSchema(serviceFactsModule.schema, {}, "module 'service_facts'")).toEqual([]);
    expect(checkSchema(serviceFactsModule.schema, { x: 1 }, "module 'service_facts'")).toHaveLength(1);
    expect(findModule('ansible.builtin.service_facts')).toBe(serviceFactsModule);
    expect(serviceFactsModule.setsVariables?.({})).toEqual(['services', 'ansible_facts.services']);
  });

  it('sends one read and returns ansible_facts.services, in check mode too', async () => {
    for (const check of [false, true]) {
      const h = fakeHost({ check, answers: [['systemctl', OUTPUT]] });
      const d = await planModule(serviceFactsModule, {}, h);
      expect(d).toMatchObject({ kind: 'ok', msg: '7 services' });
      expect(servicesOf(d)['cron.service']).toEqual({
        name: 'cron.service',
        state: 'running',
        status: 'enabled',
        source: 'systemd',
      });
      expect(h.commands).toEqual([SERVICE_FACTS_COMMAND]);
    }
    expect(SERVICE_FACTS_COMMAND).toMatch(/systemctl list-units .*; echo --unit-files--; .*systemctl list-unit-files /);
  });

  it('no services (systemd not running): no facts, with Ansible’s message', async () => {
    const h = fakeHost({ answers: [['systemctl', `${UNIT_FILES_MARK}\n`]] });
    expect(await planModule(serviceFactsModule, {}, h)).toEqual({
      kind: 'ok',
      msg: 'Failed to find any services. This can be due to privileges or some other configuration issue.',
    });
  });

  it('check mode applies the earlier tasks’ predicted starts, stops and enables', async () => {
    const h = fakeHost({ check: true, answers: [['systemctl', OUTPUT]] });
    h.predicted.setUnit('ssh.service', { active: true, enabled: true });
    h.predicted.setUnit('cron', { active: false });
    const d = await planModule(serviceFactsModule, {}, h);
    const services = servicesOf(d);
    expect(services['ssh.service']).toMatchObject({ state: 'running', status: 'enabled' });
    expect(services['cron.service']).toMatchObject({ state: 'stopped', status: 'enabled' });
  });

  it('check mode: unknown after an opaque task, a unit file written, or a failed unit started', async () => {
    const opaque = fakeHost({ check: true, answers: [['systemctl', OUTPUT]] });
    opaque.predicted.markOpaque('installing nginx');
    expect(await planModule(serviceFactsModule, {}, opaque)).toMatchObject({
      kind: 'unknown',
      msg: expect.stringMatching(/'installing nginx' runs first/),
    });
    const written = fakeHost({ check: true, answers: [['systemctl', OUTPUT]] });
    written.predicted.setFile('/etc/systemd/system/app.service', { type: 'file' });
    expect(await planModule(serviceFactsModule, {}, written)).toMatchObject({
      kind: 'unknown',
      msg: expect.stringMatching(/under \/etc\/systemd\/system/),
    });
    const failed = fakeHost({ check: true, answers: [['systemctl', OUTPUT]] });
    failed.predicted.setUnit('broken.service', { active: true });
    expect(await planModule(serviceFactsModule, {}, failed)).toMatchObject({
      kind: 'unknown',
      msg: 'the status of broken.service after an earlier task changes it (now failed) is not known, so the result is unknown',
    });
  });
});
