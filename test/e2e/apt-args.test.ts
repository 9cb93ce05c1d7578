// apt's and apt_key's Ansible arguments on a lab node, end to end (issue #16): apt_key without keyring (the
// node has apt-key but no gpg, so the key goes to trusted.gpg.d dearmored), apt's deb from a URL and from a
// path on the host, an upgrade, a wildcard version with only_upgrade; --check predicts the real run exactly,
// a second run is all ok; then clean, autoclean, removal, and a key server the lab cannot reach.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureArtifacts } from '../../lab/artifacts/build.ts';
import { labDown, type LabState } from '../../lab/index.ts';
import { agreement, checkThenApply } from './fidelitySupport.ts';
import { bootLab, engine, onNode, tmpDir } from './support.ts';

const LAB = 'aptargs';
const POOL = 'http://127.0.0.1:8765/apt/kubernetes/deb/pool';

let lab: LabState;
let node: string;
let dir: string;

function playbook(name: string, tasks: string): string {
  const file = path.join(dir, `${name}.yml`);
  writeFileSync(file, `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks}`);
  return file;
}

beforeAll(async () => {
  lab = await bootLab(LAB, 1, 'clean', 18);
  node = lab.nodes[0]!.name;
  dir = tmpDir();
  const reset = onNode(
    lab,
    node,
    `dpkg --purge kubectx kubetail >/dev/null; rm -f /etc/apt/trusted.gpg.d/*.gpg /usr/sbin/policy-rc.d; curl -fsS -o /root/kubetail.deb ${POOL}/kubetail_1.6.5-2_all.deb`,
  );
  expect(reset.code, reset.stderr).toBe(0);
}, 600_000);

afterAll(async () => {
  if (lab) await labDown({ name: LAB });
});

describe('apt and apt_key arguments', () => {
  it('--check predicts the real run, the node has what was asked, a second run is all ok; then clean and removal', async () => {
    const fpr = (await ensureArtifacts()).apt.keyFingerprint;
    const install = playbook(
      'install',
      `    - name: lab key among apt's trusted keys
      apt_key:
        url: http://127.0.0.1:8765/apt/fleetplay-lab.asc
        id: "0x${fpr}"
    - name: deb from a URL
      apt:
        deb: ${POOL}/kubectx_0.9.3-1_all.deb
        install_recommends: false
        policy_rc_d: 101
        dpkg_options: force-confdef,force-confold
    - name: deb on the host
      apt:
        deb: /root/kubetail.deb
        allow-downgrades: true
    - name: wildcard version, only upgrades
      apt:
        pkg: kubectx=0.9.*
        only_upgrade: true
        lock_timeout: 30
`,
    );
    const { a, b } = await checkThenApply(install, lab.inventoryFile, [[lab, node]]);
    const { mismatches, diffMismatches, unknown } = agreement(a, b);
    expect(mismatches).toEqual([]);
    expect(diffMismatches).toEqual([]);
    expect(unknown).toBe(0);
    expect(b.results.map((r) => [r.task, r.status])).toEqual([
      ["lab key among apt's trusted keys", 'changed'],
      ['deb from a URL', 'changed'],
      ['deb on the host', 'changed'],
      ['wildcard version, only upgrades', 'ok'],
    ]);
    const key = `/etc/apt/trusted.gpg.d/${fpr}.gpg`;
    // Dearmored (binary OpenPGP starts with a packet tag byte, not "-----BEGIN"), 0644, and no policy-rc.d left behind.
    expect(onNode(lab, node, `head -c 5 ${key} | od -An -c | tr -d ' \\n'; stat -c %a ${key}`).stdout).not.toMatch(/^-----/);
    expect(onNode(lab, node, `stat -c %a ${key}`).stdout.trim()).toBe('644');
    expect(onNode(lab, node, "dpkg-query -W -f='${Package} ${Version} ${db:Status-Abbrev}\\n' kubectx kubetail").stdout).toBe(
      'kubectx 0.9.3-1 ii \nkubetail 1.6.5-2 ii \n',
    );
    expect(onNode(lab, node, 'test -e /usr/sbin/policy-rc.d && echo left || echo gone; ls /tmp | grep -c fleetplay-deb').stdout).toBe(
      'gone\n0\n',
    );

    const again = await engine(['run', install, '-i', lab.inventoryFile], { withReport: true });
    expect(again.code, again.stdout).toBe(0);
    expect(again.report!.results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok']);

    const cleanup = playbook(
      'cleanup',
      `    - name: clean
      apt:
        clean: true
    - name: dist-upgrade
      apt:
        upgrade: dist
        default-release: bookworm
        fail_on_autoremove: true
        force_apt_get: true
    - name: autoclean
      apt:
        autoclean: true
    - name: remove them
      apt:
        name: kubectx,kubetail
        state: absent
        purge: true
    - name: lab key gone
      apt_key:
        id: "${fpr}"
        state: absent
    - name: a key server the lab cannot reach
      apt_key:
        keyserver: hkp://127.0.1.250:11371
        id: "${fpr}"
`,
    );
    const removed = await checkThenApply(cleanup, lab.inventoryFile, [[lab, node]]);
    expect(agreement(removed.a, removed.b).mismatches).toEqual([]);
    expect(removed.b.results.map((r) => [r.task, r.status])).toEqual([
      ['clean', 'changed'],
      ['dist-upgrade', 'ok'],
      ['autoclean', 'ok'],
      ['remove them', 'changed'],
      ['lab key gone', 'changed'],
      ['a key server the lab cannot reach', 'failed'],
    ]);
    expect(removed.b.results.at(-1)?.msg).toMatch(
      /^cannot fetch the key from key server hkp:\/\/127\.0\.1\.250:11371 \(http:\/\/127\.0\.1\.250:11371\/pks\/lookup/,
    );
    expect(onNode(lab, node, `test -e ${key} && echo present || echo gone; dpkg -l kubectx kubetail 2>&1 | grep -c '^ii'`).stdout).toBe(
      'gone\n0\n',
    );
  }, 118_000);
});
