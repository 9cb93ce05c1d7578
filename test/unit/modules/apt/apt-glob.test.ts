// apt: fnmatch globs in `name`, expanded against the names `apt-cache pkgnames` lists, as Ansible's apt does.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { checkSchema } from '../../../../engine/playbook/schemaCheck.ts';
import { expandGlobs, fnmatchName, pkgnamesCommand } from '../../../../modules/apt/glob.ts';
import { aptModule } from '../../../../modules/apt/index.ts';
import { parsePackageSpec } from '../../../../modules/apt/request.ts';
import { fakeHost } from '../../../support/fakeHost.ts';

const framed = (name: string, out: string, rc = 0, err = '') =>
  `@@begin ${name}\n${out}\n@@end ${name} ${rc}\n${err
    .split('\n')
    .filter(Boolean)
    .map((l) => `@@err ${name} ${l}\n`)
    .join('')}`;
const cacheLines = '@@kv now 100\n@@kv stamp \n@@kv lists 50\n@@kv indexes 1\n';
const KNOWN = ['hellfire', 'hello', 'hello-traditional', 'helpman', 'help2man', 'heaptrack'];
const specs = (...args: string[]) => args.map(parsePackageSpec);

describe('apt name globs', () => {
  it('takes globs in name, and still refuses what is no package name', () => {
    const ok = (name: unknown) => checkSchema(aptModule.schema, { name }, "module 'apt'").length === 0;
    expect(ok(['hel?o', 'he?lo'])).toBe(true);
    expect(ok('python3-*, hel[lp]o')).toBe(true);
    expect(ok(['hello:amd64', 'libc6=2.36*'])).toBe(true);
    expect(ok(['-hello'])).toBe(false);
    expect(ok(['hel lo'])).toBe(false);
    expect(ok(['hel;lo'])).toBe(false);
  });

  it("matches as Python's fnmatch: the whole name, ?, *, [seq] and [!seq]", () => {
    expect(fnmatchName('hel?o').test('hello')).toBe(true);
    expect(fnmatchName('hel?o').test('hello-traditional')).toBe(false);
    expect(fnmatchName('hel*').test('hellfire')).toBe(true);
    expect(fnmatchName('hel[lp]o').test('helpo')).toBe(true);
    expect(fnmatchName('hel[!l]o').test('hello')).toBe(false);
    // `.` and `+` are literal.
    expect(fnmatchName('g++.?').test('g++.1')).toBe(true);
    expect(fnmatchName('g++').test('gg+')).toBe(false);
  });

  it('expands each glob to the sorted names it matches, drops its version and keeps plain names', () => {
    expect(expandGlobs(specs('hel?o', 'he?lo', 'tree'), KNOWN)).toEqual({
      specs: [
        { name: 'hello', arg: 'hello' },
        { name: 'tree', arg: 'tree' },
      ],
    });
    expect(expandGlobs(specs('help*=1.0'), KNOWN)).toEqual({
      specs: [
        { name: 'help2man', arg: 'help2man' },
        { name: 'helpman', arg: 'helpman' },
      ],
    });
    expect(expandGlobs(specs('hel?o:i386'), KNOWN)).toEqual({ specs: [{ name: 'hello:i386', arg: 'hello:i386' }] });
    expect(expandGlobs(specs('nope*'), KNOWN)).toEqual({ error: "No package(s) matching 'nope*' available" });
    expect(expandGlobs(specs('hello:*'), KNOWN)).toMatchObject({ error: expect.stringMatching(/glob in the architecture/) });
  });

  it('lists names once per distinct literal prefix, all of them for a glob that starts with a wildcard', () => {
    expect(pkgnamesCommand(specs('hel?o', 'he?lo', 'hel*'))).toBe('export LC_ALL=C\napt-cache pkgnames -- hel\napt-cache pkgnames -- he');
    expect(pkgnamesCommand(specs('hel?o', '*tree'))).toBe('export LC_ALL=C\napt-cache pkgnames');
    // The command runs under bash (a function name may have a dash there) with a stand-in apt-cache that echoes its arguments.
    const out = execFileSync('bash', ['-c', `apt-cache() { echo "$@"; }\n${pkgnamesCommand(specs('hel?o:amd64'))}`], { encoding: 'utf8' });
    expect(out).toBe('pkgnames -- hel\n');
  });

  it('plans the install of what the globs match, and fails like Ansible when a glob matches nothing', async () => {
    const h = fakeHost({
      answers: [
        ['apt-cache pkgnames', KNOWN.join('\n')],
        ['apt-get -s', framed('sim', 'Inst hello (2.10-3 Debian:12.15/oldstable [amd64])')],
        ['dpkg-query', framed('dpkg', '', 1, 'dpkg-query: no packages found matching hello') + cacheLines],
      ],
    });
    const plan = await planModule(aptModule, { name: ['hel?o', 'he?lo'] }, h);
    expect(plan).toMatchObject({ kind: 'change', msg: expect.stringContaining('hello') });
    expect(h.commands[0]).toContain('apt-cache pkgnames -- hel');
    expect(h.commands.some((c) => c.includes('dpkg-query') && c.includes(' hello'))).toBe(true);
    expect(h.commands.some((c) => c.includes('hel?o') && !c.includes('pkgnames'))).toBe(false);
    const none = fakeHost({ answers: [['apt-cache pkgnames', KNOWN.join('\n')]] });
    expect(await planModule(aptModule, { name: 'zz*', state: 'absent' }, none)).toEqual({
      kind: 'failed',
      msg: "No package(s) matching 'zz*' available",
    });
    expect(none.commands).toHaveLength(1);
  });
});
