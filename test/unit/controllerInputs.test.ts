// Every file the controller reads for the user (playbook, vars files, inventories, -e @file, --limit @file,
// vault password file, include_tasks) is refused when it is a FIFO or a device, at once, by name (issue #12).
// Each case is a real CLI process: a blocking read would hang it, and the kill timer then fails the test
// (an in-process blocking read would freeze the test worker itself, so no timeout could report it).
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
// A hung process is killed here, before vitest's own timeout, so the test fails instead of leaking it.
const KILL_MS = 10_000;
const HANG_GUARD = { timeout: 20_000 };

interface CliRun {
  code: number | null;
  output: string;
}

/** Runs the engine CLI with `args` from the repository root; a process still running after KILL_MS is killed. */
function engine(args: string[], home: string): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'engine', 'index.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', HOME: home, FLEETPLAY_RETRY_DIR: path.join(home, 'retry') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), KILL_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const PLAY = `- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: msg=hi\n`;
const INVENTORY = 'localhost ansible_connection=local\n';

/** A temp directory with a trivial playbook (pb.yml), a local inventory (inv.ini) and a FIFO (fifo). */
function fixture(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-inputs-'));
  writeFileSync(path.join(dir, 'pb.yml'), PLAY);
  writeFileSync(path.join(dir, 'inv.ini'), INVENTORY);
  fifo(path.join(dir, 'fifo'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

function fifo(file: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  execFileSync('mkfifo', [file]);
  return file;
}

const IS_FIFO = 'is a FIFO (named pipe), not a regular file';

describe('controller input files that are not regular files', () => {
  it('group_vars/all.yml beside the playbook as a FIFO: validate and run exit 4 naming it', HANG_GUARD, async () => {
    const dir = fixture();
    const file = fifo(path.join(dir, 'group_vars', 'all.yml'));
    const [validate, run] = await Promise.all([
      engine(['validate', path.join(dir, 'pb.yml')], dir),
      engine(['run', path.join(dir, 'pb.yml'), '-i', path.join(dir, 'inv.ini')], dir),
    ]);
    expect(validate.code).toBe(4);
    expect(validate.output).toContain(`${file} ${IS_FIFO}`);
    expect(run.code).toBe(4);
    expect(run.output).toContain(`all.yml ${IS_FIFO}`);
  });

  it('a FIFO inside a group_vars/<group>/ directory beside the playbook: validate exits 4 naming it', HANG_GUARD, async () => {
    const dir = fixture();
    const file = fifo(path.join(dir, 'group_vars', 'all', 'a.yml'));
    const r = await engine(['validate', path.join(dir, 'pb.yml')], dir);
    expect(r.code).toBe(4);
    expect(r.output).toContain(`${file} ${IS_FIFO}`);
  });

  it('include_tasks of a templated path naming a FIFO fails the host at run time, at once', HANG_GUARD, async () => {
    const dir = fixture();
    writeFileSync(
      path.join(dir, 'inc.yml'),
      `- hosts: all\n  gather_facts: false\n  vars: {f: ${dir}/fifo}\n  tasks:\n    - include_tasks: "{{ f }}"\n`,
    );
    const r = await engine(['run', path.join(dir, 'inc.yml'), '-i', path.join(dir, 'inv.ini')], dir);
    // As in Ansible, an include that cannot be loaded fails the host (exit 2), it does not stop the run as bad input.
    expect(r.code).toBe(2);
    expect(r.output).toContain(`${dir}/fifo ${IS_FIFO}`);
  });

  it('a templated vars_files entry naming a FIFO: run exits 4 at the entry', HANG_GUARD, async () => {
    const dir = fixture();
    writeFileSync(
      path.join(dir, 'vf.yml'),
      `- hosts: all\n  gather_facts: false\n  vars: {f: fifo}\n  vars_files: ["{{ f }}"]\n  tasks:\n    - debug: msg=hi\n`,
    );
    const r = await engine(['run', path.join(dir, 'vf.yml'), '-i', path.join(dir, 'inv.ini')], dir);
    expect(r.code).toBe(4);
    expect(r.output).toContain(`${dir}/vf.yml:4:16: file ${dir}/fifo ${IS_FIFO}`);
  });

  it('a literal vars_files entry naming a FIFO: validate exits 4 at the entry', HANG_GUARD, async () => {
    const dir = fixture();
    writeFileSync(path.join(dir, 'vf.yml'), `- hosts: all\n  gather_facts: false\n  vars_files: [fifo]\n  tasks:\n    - debug: msg=hi\n`);
    const r = await engine(['validate', path.join(dir, 'vf.yml')], dir);
    expect(r.code).toBe(4);
    expect(r.output).toMatch(/vf\.yml:3:16: .*not a regular file/);
  });

  it('the inventory group_vars/all.yml as a FIFO: run exits 4 naming it', HANG_GUARD, async () => {
    const dir = fixture({ 'inv/hosts': INVENTORY });
    const file = fifo(path.join(dir, 'inv', 'group_vars', 'all.yml'));
    const r = await engine(['run', path.join(dir, 'pb.yml'), '-i', path.join(dir, 'inv', 'hosts')], dir);
    expect(r.code).toBe(4);
    expect(r.output).toContain(`${file} ${IS_FIFO}`);
  });

  it('a FIFO inside an -i DIR inventory: exits 4 naming it', HANG_GUARD, async () => {
    const dir = fixture({ 'inv/a.ini': INVENTORY });
    const file = fifo(path.join(dir, 'inv', 'b.ini'));
    const r = await engine(['validate', path.join(dir, 'pb.yml'), '-i', path.join(dir, 'inv')], dir);
    expect(r.code).toBe(4);
    expect(r.output).toContain(`${file} ${IS_FIFO}`);
  });

  it('a dangling symlink inside an -i DIR inventory: exits 4 naming it (was a raw ENOENT crash)', HANG_GUARD, async () => {
    const dir = fixture({ 'inv/a.ini': INVENTORY });
    symlinkSync(path.join(dir, 'missing'), path.join(dir, 'inv', 'b.ini'));
    const r = await engine(['validate', path.join(dir, 'pb.yml'), '-i', path.join(dir, 'inv')], dir);
    expect(r.code).toBe(4);
    expect(r.output).toContain(`${dir}/inv/b.ini is a symbolic link to a missing file`);
  });

  it('-i FIFO: exits 4 naming it', HANG_GUARD, async () => {
    const dir = fixture();
    const r = await engine(['run', path.join(dir, 'pb.yml'), '-i', path.join(dir, 'fifo')], dir);
    expect(r.code).toBe(4);
    expect(r.output).toContain(`${dir}/fifo ${IS_FIFO}`);
  });

  it('-e @FIFO and -e @/dev/zero: exit 4 naming the file and what it is', HANG_GUARD, async () => {
    const dir = fixture();
    const base = ['run', path.join(dir, 'pb.yml'), '-i', path.join(dir, 'inv.ini')];
    const [fromFifo, fromZero] = await Promise.all([
      engine([...base, '-e', `@${dir}/fifo`], dir),
      engine([...base, '-e', '@/dev/zero'], dir),
    ]);
    expect(fromFifo.code).toBe(4);
    expect(fromFifo.output).toContain(`${dir}/fifo ${IS_FIFO}`);
    expect(fromZero.code).toBe(4);
    expect(fromZero.output).toContain('/dev/zero is a character device, not a regular file');
  });

  it('a FIFO as the playbook: exits 4 naming it', HANG_GUARD, async () => {
    const dir = fixture();
    const r = await engine(['run', path.join(dir, 'fifo'), '-i', path.join(dir, 'inv.ini')], dir);
    expect(r.code).toBe(4);
    expect(r.output).toContain(`${dir}/fifo ${IS_FIFO}`);
  });

  it('--limit @FIFO: exits 4 naming the limit file', HANG_GUARD, async () => {
    const dir = fixture();
    const r = await engine(['run', path.join(dir, 'pb.yml'), '-i', path.join(dir, 'inv.ini'), '--limit', `@${dir}/fifo`], dir);
    expect(r.code).toBe(4);
    expect(r.output).toContain(`limit file ${dir}/fifo ${IS_FIFO}`);
  });

  it('--vault-password-file FIFO, even with its executable bits set: neither run nor read, exit 4', HANG_GUARD, async () => {
    const dir = fixture();
    chmodSync(path.join(dir, 'fifo'), 0o755);
    const r = await engine(['run', path.join(dir, 'pb.yml'), '-i', path.join(dir, 'inv.ini'), '--vault-password-file', `${dir}/fifo`], dir);
    expect(r.code).toBe(4);
    expect(r.output).toContain(`vault password file ${dir}/fifo ${IS_FIFO}`);
  });

  it('ansible_ssh_private_key_file naming a FIFO: run exits 4 naming it', HANG_GUARD, async () => {
    const dir = fixture();
    writeFileSync(path.join(dir, 'k.ini'), `h ansible_host=127.0.0.1 ansible_port=1 ansible_ssh_private_key_file=${dir}/fifo\n`);
    const r = await engine(['run', path.join(dir, 'pb.yml'), '-i', path.join(dir, 'k.ini')], dir);
    expect(r.code).toBe(4);
    expect(r.output).toContain(`private key file (host h) ${dir}/fifo ${IS_FIFO}`);
  });

  it('ansible_ssh_known_hosts_file naming a FIFO fails the host at once, naming it', HANG_GUARD, async () => {
    const dir = fixture();
    writeFileSync(path.join(dir, 'kh.ini'), `h ansible_host=127.0.0.1 ansible_port=1 ansible_ssh_known_hosts_file=${dir}/fifo\n`);
    writeFileSync(path.join(dir, 'cmd.yml'), `- hosts: all\n  gather_facts: false\n  tasks:\n    - command: "true"\n`);
    const r = await engine(['run', path.join(dir, 'cmd.yml'), '-i', path.join(dir, 'kh.ini')], dir);
    expect(r.code).toBe(2);
    expect(r.output).toContain(`known_hosts file ${dir}/fifo ${IS_FIFO}`);
  });
});

describe('validate reads group_vars/ and host_vars/ beside the playbook, as the run does', () => {
  it('a YAML error in group_vars/all.yml beside the playbook fails validate (exit 4, at its line)', HANG_GUARD, async () => {
    const dir = fixture({ 'group_vars/all.yml': 'a: [1,\n' });
    const [validate, run] = await Promise.all([
      engine(['validate', path.join(dir, 'pb.yml')], dir),
      engine(['run', path.join(dir, 'pb.yml'), '-i', path.join(dir, 'inv.ini')], dir),
    ]);
    expect(run.code).toBe(4);
    expect(validate.code).toBe(4);
    expect(validate.output).toContain('group_vars/all.yml:');
  });

  it('with -i, a broken host_vars file for an inventory host fails validate', HANG_GUARD, async () => {
    const dir = fixture({ 'host_vars/localhost.yml': 'a: [1,\n' });
    const r = await engine(['validate', path.join(dir, 'pb.yml'), '-i', path.join(dir, 'inv.ini')], dir);
    expect(r.code).toBe(4);
    expect(r.output).toContain('host_vars/localhost.yml:');
  });

  it('files group_vars/ would never load (README.md) are not read by validate', HANG_GUARD, async () => {
    const dir = fixture({ 'group_vars/README.md': 'not: [yaml\n', 'group_vars/web.yml': 'x: 1\n' });
    const r = await engine(['validate', path.join(dir, 'pb.yml')], dir);
    expect(r.output).toContain('valid');
    expect(r.code).toBe(0);
  });
});
