// The roles fixture (test/unit/fixtures/roles) through the real command line: validate, then run on the
// local connection twice (the second run changes nothing), and --roles-path.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FIXTURE = path.join(ROOT, 'test/unit/fixtures/roles');

function engine(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    delete env.ANSIBLE_ROLES_PATH;
    delete env.ANSIBLE_CONFIG;
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'engine', 'index.ts'), ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('roles through the CLI', () => {
  it('validates the fixture, with its roles found through the ansible.cfg beside it', async () => {
    const r = await engine(['validate', path.join(FIXTURE, 'site.yml'), '-i', path.join(FIXTURE, 'inventory.ini')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // base (dependency), motd's template task, the include_role with its role's task: 3 tasks, 1 handler.
    expect(r.stdout).toContain("play 'all': 3 tasks, 1 handler, 1 host (localhost)");
  });

  it('runs the fixture to convergence, then changes nothing', async () => {
    const dest = mkdtempSync(path.join(os.tmpdir(), 'fp-roles-cli-'));
    const args = ['run', path.join(FIXTURE, 'site.yml'), '-i', path.join(FIXTURE, 'inventory.ini'), '-e', `dest_dir=${dest}`];
    const first = await engine([...args, '--retry-file', path.join(dest, 'retry')]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(readFileSync(path.join(dest, 'motd'), 'utf8')).toBe('welcome (owned by ops, role motd)\n');
    expect(readFileSync(path.join(dest, 'announced'), 'utf8')).toBe('ops\n');
    expect(readFileSync(path.join(dest, '99-fleet.conf'), 'utf8')).toBe('# managed by the sysctl_conf role\n');
    expect(existsSync(path.join(dest, 'base'))).toBe(true);
    expect(first.stdout).toMatch(/localhost\s*: ok=\d+\s+changed=4 /);
    const second = await engine([...args, '--retry-file', path.join(dest, 'retry')]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/localhost\s*: ok=\d+\s+changed=0 /);
  });

  it('finds roles through --roles-path, and names the places searched when a role is missing', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-roles-cli-'));
    mkdirSync(path.join(dir, 'elsewhere/greet/tasks'), { recursive: true });
    writeFileSync(path.join(dir, 'elsewhere/greet/tasks/main.yml'), '- debug: { msg: hi }\n');
    writeFileSync(path.join(dir, 'play.yml'), '- hosts: all\n  roles: [greet]\n');
    const missing = await engine(['validate', path.join(dir, 'play.yml')]);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain(`${path.join(dir, 'play.yml')}:2:11: the role 'greet' was not found in ${path.join(dir, 'roles')}:`);
    const found = await engine(['validate', path.join(dir, 'play.yml'), '--roles-path', path.join(dir, 'elsewhere')]);
    expect(found.stderr).toBe('');
    expect(found.code).toBe(0);
  });
});
