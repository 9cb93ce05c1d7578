// The installable command: `npm pack` (which builds dist/ in its prepack step), the tarball installed
// into an empty prefix, and `fleetplay` run from there: --version, validate, and a real run over a local
// connection, in one Node process (the engine runs in the process the bin started: no tsx child).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tmpDir } from './support.ts';

const work = tmpDir();
const prefix = path.join(work, 'prefix');
const bin = path.join(prefix, 'bin', 'fleetplay');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };

function sh(command: string, args: string[], cwd: string): { code: number; out: string } {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 300_000, env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

beforeAll(() => {
  const pack = sh('npm', ['pack', '--pack-destination', work, '--silent'], ROOT);
  expect(pack.code, pack.out).toBe(0);
  // postpack removes dist/ again: a checkout keeps running from its sources.
  expect(existsSync(path.join(ROOT, 'dist'))).toBe(false);
  const tarball = path.join(work, `fleetplay-${pkg.version}.tgz`);
  // The dependencies come from npm's cache when `npm ci` filled it, else from the registry.
  const install = sh('npm', ['install', '-g', '--prefix', prefix, tarball, '--prefer-offline', '--no-audit', '--no-fund'], work);
  expect(install.code, install.out).toBe(0);
}, 600_000);

describe('the packed and installed fleetplay command', () => {
  it('ships the prebuilt dist/ and answers --version', () => {
    expect(existsSync(path.join(prefix, 'lib', 'node_modules', 'fleetplay', 'dist', 'main.mjs'))).toBe(true);
    const r = sh(bin, ['--version'], work);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toBe(`fleetplay ${pkg.version} (Node ${process.versions.node})\n`);
  });

  it('validates the containerd playbook of the checkout', () => {
    const r = sh(bin, ['validate', path.join(ROOT, 'playbooks/containerd.yml'), '-i', path.join(ROOT, 'inventory/kube')], work);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/containerd\.yml: valid\n$/);
  });

  it('runs a playbook over a local connection, in the one process the bin started', () => {
    writeFileSync(path.join(work, 'inv'), '[local]\nlocalhost ansible_connection=local\n');
    const out = path.join(work, 'out.txt');
    writeFileSync(
      path.join(work, 'play.yml'),
      `- hosts: local
  gather_facts: false
  tasks:
    - name: Write a file
      copy:
        dest: ${out}
        content: "from the installed command\\n"
    # The first node process above the task's shell: the engine. Its parent must not be node too.
    - name: Which process runs the engine
      shell: |
        p=$$
        while [ "$p" -gt 1 ]; do
          case "$(readlink /proc/$p/exe)" in */node) break;; esac
          p=$(awk '/^PPid/ {print $2}' /proc/$p/status)
        done
        echo "engine: $(tr '\\0' ' ' < /proc/$p/cmdline)"
        q=$(awk '/^PPid/ {print $2}' /proc/$p/status)
        echo "parent: $(tr '\\0' ' ' < /proc/$q/cmdline)"
      register: who
      changed_when: false
    - debug:
        var: who.stdout_lines
`,
    );
    const r = sh(bin, ['run', 'play.yml', '-i', 'inv'], work);
    expect(r.code, r.out).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('from the installed command\n');
    const engineLine = /"engine: ([^"]*)"/.exec(r.out)?.[1] ?? '';
    const parentLine = /"parent: ([^"]*)"/.exec(r.out)?.[1] ?? '';
    expect(engineLine).toContain(`${prefix}/bin/fleetplay run play.yml`);
    expect(engineLine).not.toMatch(/tsx/);
    // The bin's parent is this test's spawnSync, not a second node running tsx.
    expect(parentLine).not.toMatch(/fleetplay|tsx/);
    const again = sh(bin, ['run', 'play.yml', '-i', 'inv'], work);
    expect(again.out).toMatch(/localhost : ok=3 +changed=0/);
  });
});
