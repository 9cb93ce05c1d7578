// Public Ansible roles of fleetplay's field (container runtimes, Docker, Kubernetes packages, sysctl and
// kernel modules), pinned unchanged under test/fixtures/roles/<owner>.<repo>/ with a PINNED file, each
// wrapped in test/fixtures/roles/playbooks/<owner>.<repo>.yml as a new user would write it (roles: with
// vars pointing downloads at the lab). The roles that pass `engine validate` today are asserted to keep
// passing; the others are listed, with their blockers, in docs/ansible-compatibility.md.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ROLES = path.join(ROOT, 'test/fixtures/roles');
const PLAYBOOKS = path.join(ROLES, 'playbooks');
const INVENTORY = path.join(ROOT, 'inventory/kube');

/** Roles whose playbook passes `engine validate` now, with the summary line validate prints for the play. */
const PASSING: Record<string, string> = {
  'antmelekhin.ansible-role-containerd':
    "play 'containerd from the pinned antmelekhin role': 10 tasks, 1 handler, 3 hosts (node1, node2, node3)",
  'alvistack.ansible-role-containerd':
    "play 'containerd from the pinned alvistack role': 9 tasks, 3 handlers, 3 hosts (node1, node2, node3)",
  'cloud3rsio.ansible-role-kernel-params':
    "play 'Kubernetes sysctls from the pinned cloud3rsio role': 1 task, 1 handler, 3 hosts (node1, node2, node3)",
  'geerlingguy.ansible-role-containerd':
    "play 'containerd from the pinned geerlingguy role': 17 tasks, 1 handler, 3 hosts (node1, node2, node3)",
  'geerlingguy.ansible-role-docker': "play 'Docker from the pinned geerlingguy role': 40 tasks, 2 handlers, 3 hosts (node1, node2, node3)",
  'geerlingguy.ansible-role-kubernetes':
    "play 'Kubernetes packages from the pinned geerlingguy role': 34 tasks, 1 handler, 3 hosts (node1, node2, node3)",
  'iamenr0s.ansible-role-kernel-configuration':
    "play 'Kubernetes kernel settings from the pinned iamenr0s role': 8 tasks, 1 handler, 3 hosts (node1, node2, node3)",
  'boutetnico.ansible-role-sysctl': "play 'boutetnico.ansible-role-sysctl': 2 tasks, 0 handlers, 3 hosts (node1, node2, node3)",
  'darkwizard242.ansible-role-containerd':
    "play 'darkwizard242.ansible-role-containerd': 4 tasks, 2 handlers, 3 hosts (node1, node2, node3)",
  'darkwizard242.ansible-role-kubeadm': "play 'darkwizard242.ansible-role-kubeadm': 2 tasks, 0 handlers, 3 hosts (node1, node2, node3)",
  'geerlingguy.ansible-role-swap': "play 'geerlingguy.ansible-role-swap': 11 tasks, 0 handlers, 3 hosts (node1, node2, node3)",
  'iamenr0s.ansible-role-containerd': "play 'iamenr0s.ansible-role-containerd': 14 tasks, 1 handler, 3 hosts (node1, node2, node3)",
  'iamenr0s.ansible-role-swap': "play 'iamenr0s.ansible-role-swap': 7 tasks, 0 handlers, 3 hosts (node1, node2, node3)",
  'ktooi.ansible-role-crio': "play 'ktooi.ansible-role-crio': 13 tasks, 1 handler, 3 hosts (node1, node2, node3)",
  'mullholland.ansible-role-swap': "play 'mullholland.ansible-role-swap': 10 tasks, 0 handlers, 3 hosts (node1, node2, node3)",
  'mullholland.ansible-role-sysctl': "play 'mullholland.ansible-role-sysctl': 2 tasks, 0 handlers, 3 hosts (node1, node2, node3)",
  'robertdebock.ansible-role-sysctl': "play 'robertdebock.ansible-role-sysctl': 4 tasks, 0 handlers, 3 hosts (node1, node2, node3)",
};

function engine(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    // The roles are found through test/fixtures/roles/playbooks/ansible.cfg (roles_path = ..), as a user's
    // ansible.cfg would find them; an ANSIBLE_ROLES_PATH or ANSIBLE_CONFIG of the caller must not interfere.
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

const pinnedRoles = readdirSync(ROLES, { withFileTypes: true })
  .filter((e) => e.isDirectory() && e.name !== 'playbooks')
  .map((e) => e.name)
  .sort();

/** The fields of a PINNED file ("key: value" lines). */
function pinned(role: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of readFileSync(path.join(ROLES, role, 'PINNED'), 'utf8').split('\n')) {
    const m = /^(repository|commit|license|files): (.*)$/.exec(line);
    if (m?.[1] && m[2] !== undefined) fields[m[1]] = m[2].trim();
  }
  return fields;
}

describe('pinned public roles', () => {
  it('holds the roles of the field, each with a playbook, and at least 15 of them validate (issue #16)', () => {
    expect(pinnedRoles.length).toBeGreaterThanOrEqual(15);
    expect(Object.keys(PASSING).length).toBeGreaterThanOrEqual(15);
    for (const role of pinnedRoles) expect(existsSync(path.join(PLAYBOOKS, `${role}.yml`)), role).toBe(true);
  });

  it.each(pinnedRoles)('%s is pinned at a commit under a licence that allows redistribution', (role) => {
    const p = pinned(role);
    const [owner, ...rest] = role.split('.');
    expect(p.repository).toBe(`https://github.com/${owner}/${rest.join('.')}`);
    expect(p.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(p.license).toMatch(/^(MIT|Apache-2\.0|BSD-[23]-Clause) /);
    const licence = readFileSync(path.join(ROLES, role, 'LICENSE'), 'utf8');
    expect(licence).toContain(p.license?.startsWith('Apache') ? 'Apache License' : (p.license?.split(' ')[0] ?? '?'));
    // Every file the PINNED file lists is there, and nothing else (the copy is the role, unchanged).
    const listed = (p.files ?? '').split(' ').filter(Boolean).sort();
    const present = (readdirSync(path.join(ROLES, role), { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
      .filter((e) => e.isFile() && e.name !== 'PINNED')
      .map((e) => path.relative(path.join(ROLES, role), path.join(e.parentPath, e.name)))
      .sort();
    expect(present).toEqual(listed);
  });

  it('keeps the roles out of the engine and the modules (fixtures only)', () => {
    const offenders: string[] = [];
    for (const top of ['engine', 'modules']) {
      const files = readdirSync(path.join(ROOT, top), { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[];
      for (const e of files) {
        if (!e.isFile() || !e.name.endsWith('.ts')) continue;
        const file = path.join(e.parentPath, e.name);
        if (readFileSync(file, 'utf8').includes('fixtures/roles')) offenders.push(path.relative(ROOT, file));
      }
    }
    expect(offenders).toEqual([]);
  });

  it.each(Object.keys(PASSING))('%s: its playbook passes engine validate against inventory/kube', async (role) => {
    expect(pinnedRoles).toContain(role);
    const r = await engine(['validate', path.join(PLAYBOOKS, `${role}.yml`), '-i', INVENTORY]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(PASSING[role]);
    expect(r.stdout).toContain(`${role}.yml: valid`);
  });
});
