// Where roles are found: roles/ beside the playbook, --roles-path, ANSIBLE_ROLES_PATH or the roles_path
// of the ansible.cfg in use (ANSIBLE_CONFIG, ./ansible.cfg, beside the playbook), the folder of a parent
// role for its dependencies, the playbook's folder, and a path given as the name.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRole, roleSearchFor, rolesPathOf, searchDirs } from '../../engine/playbook/roleSearch.ts';
import { fixture, messages, runFixture } from './support/roleFixture.ts';

const role = (msg: string) => `- debug: { msg: ${msg} }\n`;

describe('role search path', () => {
  it('searches roles/ beside the playbook, then --roles-path, then ANSIBLE_ROLES_PATH, then the playbook folder', () => {
    const dir = fixture({});
    const cwd = fixture({});
    const s = roleSearchFor(dir, { rolesPath: ['cli1:cli2', 'cli3'], env: { ANSIBLE_ROLES_PATH: `${dir}/env1:env2` }, cwd });
    expect(searchDirs(s)).toEqual([
      path.join(dir, 'roles'),
      path.join(cwd, 'cli1'),
      path.join(cwd, 'cli2'),
      path.join(cwd, 'cli3'),
      path.join(dir, 'env1'),
      path.join(cwd, 'env2'),
      dir,
    ]);
    // A dependency's parent role folder comes after the configured path.
    expect(searchDirs(s, '/parent/roles').slice(-2)).toEqual(['/parent/roles', dir]);
  });

  it('reads roles_path from the ansible.cfg in use: ANSIBLE_CONFIG, then ./ansible.cfg, then beside the playbook', () => {
    const book = fixture({ 'ansible.cfg': '[defaults]\nroles_path = beside\n' });
    const cwd = fixture({
      'ansible.cfg': '# comment\n[other]\nroles_path = wrong\n[defaults]\nforks = 5\nroles_path = ./here:/abs/there ; inline comment\n',
    });
    const named = fixture({ 'custom.cfg': '[defaults]\nroles_path: named\n' });
    const emptyCwd = fixture({});
    expect(roleSearchFor(book, { env: {}, cwd }).configured).toEqual([path.join(cwd, 'here'), '/abs/there']);
    expect(roleSearchFor(book, { env: { ANSIBLE_CONFIG: path.join(named, 'custom.cfg') }, cwd }).configured).toEqual([
      path.join(named, 'named'),
    ]);
    expect(roleSearchFor(book, { env: {}, cwd: emptyCwd }).configured).toEqual([path.join(book, 'beside')]);
    // ANSIBLE_ROLES_PATH replaces the file's roles_path, as in Ansible.
    expect(roleSearchFor(book, { env: { ANSIBLE_ROLES_PATH: '/from/env' }, cwd }).configured).toEqual(['/from/env']);
    expect(rolesPathOf(path.join(emptyCwd, 'absent.cfg'))).toBeUndefined();
  });

  it("falls back to Ansible's default roles path without configuration", () => {
    const book = fixture({});
    const s = roleSearchFor(book, { env: { HOME: '/nonexistent' }, cwd: fixture({}) });
    expect(s.configured.slice(-2)).toEqual(['/usr/share/ansible/roles', '/etc/ansible/roles']);
    expect(s.configured[0]).toMatch(/\.ansible\/roles$/);
  });

  it('finds the first match in order, and a role given by its path', () => {
    const dir = fixture({
      'roles/shadowed/tasks/main.yml': role('beside'),
      'cli/shadowed/tasks/main.yml': role('cli'),
      'cli/only-cli/tasks/main.yml': role('cli'),
      'env/only-cli/tasks/main.yml': role('env'),
      'env/only-env/tasks/main.yml': role('env'),
      'elsewhere/by-path/tasks/main.yml': role('path'),
    });
    const s = roleSearchFor(dir, { rolesPath: [path.join(dir, 'cli')], env: { ANSIBLE_ROLES_PATH: path.join(dir, 'env') }, cwd: dir });
    expect(findRole('shadowed', s)).toEqual({ found: path.join(dir, 'roles/shadowed') });
    expect(findRole('only-cli', s)).toEqual({ found: path.join(dir, 'cli/only-cli') });
    expect(findRole('only-env', s)).toEqual({ found: path.join(dir, 'env/only-env') });
    expect(findRole('elsewhere/by-path', s)).toEqual({ found: path.join(dir, 'elsewhere/by-path') });
    expect(findRole(path.join(dir, 'elsewhere/by-path'), s)).toEqual({ found: path.join(dir, 'elsewhere/by-path') });
    expect(findRole('nowhere', s)).toEqual({ searched: [path.join(dir, 'roles'), path.join(dir, 'cli'), path.join(dir, 'env'), dir] });
  });

  it('runs roles from --roles-path and a dependency found beside its parent role', async () => {
    const dir = fixture({
      'play.yml': '- hosts: all\n  gather_facts: false\n  roles: [parent, shared/by-path]\n',
      'vendor/parent/meta/main.yml': 'dependencies: [sibling]\n',
      'vendor/parent/tasks/main.yml': role('parent'),
      'vendor/sibling/tasks/main.yml': role('sibling'),
      'shared/by-path/tasks/main.yml': role('"{{ role_name }}"'),
    });
    const r = await runFixture(dir, {}, { rolesPath: [path.join(dir, 'vendor')] }, path.join(dir, 'play.yml'));
    expect(messages(r)).toEqual(['sibling', 'parent', 'by-path']);
  });
});
