// getent: the command (quoted, options ended before the database), Ansible's parsing of the output into
// getent_<database>, its exit-code messages and fail_key, and check mode (it reads, so it runs; what an
// earlier task could change makes it unknown). The last part runs the real getent of this machine.
import { describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { checkSchema } from '../../../../engine/playbook/schemaCheck.ts';
import { findModule } from '../../../../modules/index.ts';
import { getentCommand, getentModule } from '../../../../modules/getent/index.ts';
import { parseGetent, separatorFor } from '../../../../modules/getent/parse.ts';
import { fakeHost, runLocally } from '../../../support/fakeHost.ts';

const issues = (args: Record<string, unknown>) => checkSchema(getentModule.schema, args, "module 'getent'");

describe('getent arguments and command', () => {
  it('needs a database; split must not be empty; database and service cannot be options', () => {
    expect(issues({ database: 'passwd', key: 'root', split: ':', fail_key: false, service: 'files' })).toEqual([]);
    expect(issues({ database: 'services', key: 80 })).toEqual([]);
    expect(issues({ key: 'root' }).map((i) => i.message)).toEqual([expect.stringMatching(/database/)]);
    expect(issues({ database: 'passwd', split: '' }).map((i) => i.path)).toEqual([['split']]);
    expect(issues({ database: '-s' }).map((i) => i.path)).toEqual([['database']]);
    expect(issues({ database: 'passwd', service: '--help' }).map((i) => i.path)).toEqual([['service']]);
    expect(issues({ database: 'passwd', keys: 'root' })[0]?.message).toMatch(
      /^unknown argument 'keys' for module 'getent' \(did you mean 'key'\?\)/,
    );
    expect(findModule('ansible.builtin.getent')).toBe(getentModule);
  });

  it('quotes every value and ends options before the database, so a key is never an option', () => {
    expect(getentCommand({ database: 'passwd', key: 'root' })).toBe('LC_ALL=C getent -- passwd root');
    expect(getentCommand({ database: 'passwd', key: "-x; rm -rf / 'q'" })).toBe(`LC_ALL=C getent -- passwd '-x; rm -rf / '\\''q'\\'''`);
    expect(getentCommand({ database: 'services', key: 80, service: 'files' })).toBe('LC_ALL=C getent -s files -- services 80');
    expect(getentCommand({ database: 'group' })).toBe('LC_ALL=C getent -- group');
  });
});

describe("parsing as Ansible's getent module", () => {
  it("splits the colon databases at ':' and the others at whitespace, unless split says otherwise", () => {
    expect(separatorFor('passwd', undefined)).toBe(':');
    expect(separatorFor('gshadow', undefined)).toBe(':');
    expect(separatorFor('hosts', undefined)).toBeUndefined();
    expect(separatorFor('hosts', '\t')).toBe('\t');
    expect(parseGetent('root:x:0:0:root:/root:/bin/bash\nbob:x:1000:1000::/home/bob:/bin/sh\n', ':')).toEqual({
      root: ['x', '0', '0', 'root', '/root', '/bin/bash'],
      bob: ['x', '1000', '1000', '', '/home/bob', '/bin/sh'],
    });
    expect(parseGetent('127.0.0.1       localhost ip6-localhost\n', undefined)).toEqual({ '127.0.0.1': ['localhost', 'ip6-localhost'] });
    expect(parseGetent('docker:x:999:\n', ':')).toEqual({ docker: ['x', '999', ''] });
  });

  it('a key on several lines maps to the list of their fields (Ansible 2.11+); __proto__ stays a plain key', () => {
    const out = parseGetent('::1 localhost\n::1 ip6-localhost ip6-loopback\n::1 x\n', undefined);
    expect(out).toEqual({ '::1': [['localhost'], ['ip6-localhost', 'ip6-loopback'], ['x']] });
    const odd = parseGetent('__proto__:x:1:1::/:/bin/sh\n', ':');
    expect(Object.keys(odd)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(odd)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(odd, '__proto__')?.value).toEqual(['x', '1', '1', '', '/', '/bin/sh']);
  });
});

describe('getent plan', () => {
  const ROOT = 'root:x:0:0:root:/root:/bin/bash\n';

  it('returns ansible_facts.getent_<database> and never changes, in check mode too', async () => {
    for (const check of [false, true]) {
      const h = fakeHost({ check, answers: [['getent', ROOT]] });
      expect(await planModule(getentModule, { database: 'passwd', key: 'root' }, h)).toEqual({
        kind: 'ok',
        msg: 'passwd: root',
        data: { ansible_facts: { getent_passwd: { root: ['x', '0', '0', 'root', '/root', '/bin/bash'] } } },
      });
      expect(h.commands).toEqual(['LC_ALL=C getent -- passwd root']);
    }
    const all = fakeHost({ answers: [['getent', `${ROOT}daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n`]] });
    expect(await planModule(getentModule, { database: 'passwd' }, all)).toMatchObject({ kind: 'ok', msg: 'passwd: 2 entries' });
  });

  it("fails with Ansible's message for each getent exit code; fail_key: false makes a missing key null", async () => {
    const missing = fakeHost({ answers: [['getent', { exitCode: 2 }]] });
    expect(await planModule(getentModule, { database: 'passwd', key: 'nobody-here' }, missing)).toEqual({
      kind: 'failed',
      msg: 'One or more supplied key could not be found in the database.',
      data: { rc: 2, stderr: '' },
    });
    const tolerated = fakeHost({ answers: [['getent', { exitCode: 2 }]] });
    expect(await planModule(getentModule, { database: 'services', key: 'http', fail_key: false }, tolerated)).toEqual({
      kind: 'ok',
      msg: 'One or more supplied key could not be found in the database.',
      data: { ansible_facts: { getent_services: { http: null } } },
    });
    const unknownDb = fakeHost({ answers: [['getent', { exitCode: 1, stderr: 'Unknown database: nope\n' }]] });
    expect(await planModule(getentModule, { database: 'nope' }, unknownDb)).toMatchObject({
      kind: 'failed',
      msg: 'Missing arguments, or database unknown. (Unknown database: nope)',
    });
    const noEnum = fakeHost({ answers: [['getent', { exitCode: 3 }]] });
    expect(await planModule(getentModule, { database: 'initgroups' }, noEnum)).toMatchObject({
      kind: 'failed',
      msg: 'Enumeration not supported on this database.',
    });
    const weird = fakeHost({ answers: [['getent', { exitCode: 9 }]] });
    expect((await planModule(getentModule, { database: 'passwd' }, weird)).msg).toBe('Unexpected failure!');
  });

  it('check mode: a missing key after a task check mode cannot predict is unknown; a found one is ok', async () => {
    const h = fakeHost({ check: true, answers: [['getent', { exitCode: 2 }]] });
    h.predicted.markOpaque('installing docker-ce');
    expect(await planModule(getentModule, { database: 'group', key: 'docker', split: ':' }, h)).toEqual({
      kind: 'unknown',
      msg: "key 'docker' of group is missing on the host now, but 'installing docker-ce' runs first and check mode cannot predict its effects (it may add the entry), so the result is unknown",
    });
    const found = fakeHost({ check: true, answers: [['getent', 'docker:x:999:alice\n']] });
    found.predicted.markOpaque('installing docker-ce');
    expect(await planModule(getentModule, { database: 'group', key: 'docker' }, found)).toMatchObject({
      kind: 'ok',
      data: { ansible_facts: { getent_group: { docker: ['x', '999', 'alice'] } } },
    });
    // The real run has no prediction: a missing key fails.
    const real = fakeHost({ answers: [['getent', { exitCode: 2 }]] });
    expect((await planModule(getentModule, { database: 'group', key: 'docker' }, real)).kind).toBe('failed');
  });

  it("check mode: an earlier task's change to /etc/<database> makes the read unknown", async () => {
    const h = fakeHost({ check: true, answers: [['getent', ROOT]] });
    h.predicted.setFile('/etc/passwd', { type: 'file' });
    expect(await planModule(getentModule, { database: 'passwd', key: 'root' }, h)).toMatchObject({
      kind: 'unknown',
      msg: "key 'root' of passwd found on the host now, but an earlier task changes /etc/passwd, which check mode did not write, so the result is unknown",
    });
    const other = fakeHost({ check: true, answers: [['getent', ROOT]] });
    other.predicted.setFile('/etc/group', { type: 'file' });
    expect((await planModule(getentModule, { database: 'passwd', key: 'root' }, other)).kind).toBe('ok');
  });

  it("reads this machine's passwd database with the real getent under /bin/sh", async () => {
    const h = fakeHost({ reply: runLocally });
    const plan = await planModule(getentModule, { database: 'passwd', key: 0 }, h);
    expect(plan.kind).toBe('ok');
    const fields = (plan.data as { ansible_facts: { getent_passwd: { root: string[] } } }).ansible_facts.getent_passwd.root;
    expect(fields.slice(0, 3)).toEqual(['x', '0', '0']);
    const missing = fakeHost({ reply: runLocally });
    expect(await planModule(getentModule, { database: 'passwd', key: 'no-such-user-fp-xyz' }, missing)).toMatchObject({
      kind: 'failed',
      msg: 'One or more supplied key could not be found in the database.',
    });
  });
});
