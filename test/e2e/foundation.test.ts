// End-to-end: the foundation playbook on 3 real lab nodes (systemd-nspawn, OpenSSH, Debian 12).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, type LabState } from '../../lab/index.ts';
import { bootLab, engine, labInventory, onNode, tmpDir } from './support.ts';

const PLAYBOOK = 'test/e2e/playbooks/foundation.yml';
const ROOTDIR = '/srv/fleetplay-e2e';
let lab: LabState;
let inventory: string;

beforeAll(async () => {
  lab = await bootLab('fnd', 3, 'clean', 11);
  inventory = labInventory(lab);
});

afterAll(async () => {
  await labDown({ name: 'fnd' });
});

/** Number of successful sshd logins on a node since `since` (epoch seconds), from its journal. */
function loginsSince(node: string, since: number): number {
  const r = onNode(lab, node, `journalctl -u ssh.service --since @${since} -o cat | grep -c 'Accepted publickey' || true`);
  return Number(r.stdout.trim());
}

describe('foundation playbook on a 3-node lab', () => {
  it('rejects an invalid playbook with its location, exit 4, and contacts no host', async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    const r = await engine(['run', 'test/e2e/playbooks/invalid.yml', '-i', inventory]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/invalid\.yml:17:9: unknown argument 'permissions' for module 'copy'/);
    expect(r.stderr).toContain('17 |         permissions: "0644"');
    // The only login since `since` on each node is the check's own ssh session.
    for (const n of lab.nodes) expect(loginsSince(n.name, since)).toBe(1);
  });

  it('--check reports the changes and leaves the nodes untouched', async () => {
    const r = await engine(['run', PLAYBOOK, '-i', inventory, '--check', '--diff'], { withReport: true });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.report?.check).toBe(true);
    for (const n of lab.nodes) {
      expect(r.report?.recap[n.name]?.changed).toBeGreaterThanOrEqual(10);
      expect(r.report?.recap[n.name]).toMatchObject({ failed: 0, unknown: 0 });
      expect(onNode(lab, n.name, `test -e ${ROOTDIR} && echo present || echo absent`).stdout.trim()).toBe('absent');
    }
    expect(r.stdout).toContain('+port = 8080');
  });

  it('run 1 applies the changes, verified over a separate ssh session', async () => {
    const r = await engine(['run', PLAYBOOK, '-i', inventory], { withReport: true });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    for (const n of lab.nodes) {
      const recap = r.report!.recap[n.name]!;
      expect(recap).toMatchObject({ failed: 0, unreachable: 0, rescued: 1 });
      expect(recap.changed).toBeGreaterThanOrEqual(10);
      const sh = (cmd: string) => onNode(lab, n.name, cmd).stdout;
      expect(sh(`stat -c '%a %F' ${ROOTDIR} ${ROOTDIR}/conf ${ROOTDIR}/data '${ROOTDIR}/with space'`)).toBe(
        '750 directory\n755 directory\n755 directory\n755 directory\n',
      );
      expect(sh(`cat ${ROOTDIR}/conf/literal.txt`)).toBe('quote \' double " dollar $(whoami) backtick `id` semicolon ; done\n');
      expect(sh(`stat -c '%a' ${ROOTDIR}/conf/literal.txt ${ROOTDIR}/conf/motd.txt ${ROOTDIR}/conf/app.conf`)).toBe('640\n644\n600\n');
      expect(sh(`cat ${ROOTDIR}/conf/motd.txt`)).toBe(readFileSync(path.join('test/e2e/playbooks/files/motd.txt'), 'utf8'));
      const conf = sh(`cat ${ROOTDIR}/conf/app.conf`);
      expect(conf).toContain(`# Managed by fleetplay. Host: ${n.name}\n`);
      expect(conf).toContain(`greeting = hello from ${n.name}\nport = 8080\ndirs = conf,data,with space\n`);
      expect(sh(`readlink ${ROOTDIR}/current.conf`)).toBe(`${ROOTDIR}/conf/app.conf\n`);
      expect(sh(`cat ${ROOTDIR}/data/port ${ROOTDIR}/data/rescued`)).toBe('8080\nplanned failure\n');
      expect(sh(`test -f ${ROOTDIR}/data/marker && test -f ${ROOTDIR}/data/handler-ran && test ! -e ${ROOTDIR}/never && echo yes`)).toBe(
        'yes\n',
      );
      expect(sh(`ls -A ${ROOTDIR}/conf`)).toBe('app.conf\nliteral.txt\nmotd.txt\n'); // no temp files left behind
    }
    const handlerRuns = r.report!.results.filter((x) => x.handler && x.status === 'changed');
    expect(handlerRuns.map((x) => x.host).sort()).toEqual(lab.nodes.map((n) => n.name).sort());
  });

  it('run 2 reports 0 changed on every host', async () => {
    const r = await engine(['run', PLAYBOOK, '-i', inventory], { withReport: true });
    expect(r.code, r.stdout).toBe(0);
    for (const n of lab.nodes) expect(r.report!.recap[n.name]).toMatchObject({ changed: 0, failed: 0, unreachable: 0 });
    expect(r.report!.results.filter((x) => x.handler)).toEqual([]);
  });

  it('reports a host where nothing listens as unreachable; the others succeed; exit 3', async () => {
    const inv = labInventory(lab, '[ghosts]\nghost ansible_host=127.0.1.250 ansible_user=root\n');
    const junit = path.join(tmpDir(), 'junit.xml');
    const r = await engine(['run', 'test/e2e/playbooks/ping.yml', '-i', inv, '--timeout', '5', '--junit', junit], { withReport: true });
    expect(r.code, r.stdout).toBe(3);
    expect(r.report!.recap.ghost).toMatchObject({ unreachable: 1, failed: 0 });
    expect(r.stdout).toMatch(/unreachable\s+ghost\s+cannot connect to 127\.0\.1\.250:22/);
    for (const n of lab.nodes) expect(r.report!.recap[n.name]).toMatchObject({ ok: 3, failed: 0, unreachable: 0 });
    // --junit: the same run as CI reads it, valid against the pinned JUnit schema; the ghost is an error.
    const lint = spawnSync('xmllint', ['--noout', '--schema', 'test/fixtures/junit/junit-10.xsd', junit], { encoding: 'utf8' });
    expect(lint.stderr).toContain('validates');
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/<testcase name="\[ghost\] [^"]*"[^>]*>\s*<error message="unreachable: cannot connect to 127\.0\.1\.250:22/);
    expect(xml).toContain(`tests="${3 * lab.nodes.length + 1}" failures="0" errors="1"`);
    for (const n of lab.nodes) expect(xml.match(new RegExp(`name="\\[${n.name}\\] `, 'g'))).toHaveLength(3);
  });

  it('fails a host whose key does not match known_hosts, naming it; the others continue', async () => {
    const [a, b] = lab.nodes;
    const lines = readFileSync(lab.knownHostsFile, 'utf8').split('\n');
    const keyOfA = lines
      .find((l) => l.startsWith(`${a!.address} `))!
      .split(' ')
      .slice(1)
      .join(' ');
    const forged = lines.map((l) => (l.startsWith(`${b!.address} `) ? `${b!.address} ${keyOfA}` : l)).join('\n');
    const knownHosts = path.join(tmpDir(), 'known_hosts');
    writeFileSync(knownHosts, forged);
    const r = await engine(['run', 'test/e2e/playbooks/ping.yml', '-i', inventory, '-e', `ansible_ssh_known_hosts_file=${knownHosts}`], {
      withReport: true,
    });
    expect(r.code, r.stdout).toBe(2);
    expect(r.report!.recap[b!.name]).toMatchObject({ failed: 1 });
    expect(r.stdout).toMatch(new RegExp(`failed\\s+${b!.name}\\s+HOST KEY MISMATCH for ${b!.name}`));
    for (const n of lab.nodes.filter((x) => x !== b)) expect(r.report!.recap[n.name]).toMatchObject({ ok: 3, failed: 0 });
  });
});
