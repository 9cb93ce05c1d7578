// include_vars through the real loader and executor: the search path, file and dir forms, `name`,
// Ansible's precedence (above task vars, below set_fact), vault-encrypted files, and its failures.
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runPlaybook } from '../../engine/executor/runPlaybook.ts';
import { loadInventory } from '../../engine/inventory/index.ts';
import { loadPlaybook } from '../../engine/playbook/load.ts';
import type { RunReport, TaskResult } from '../../engine/types.ts';
import { resetVault, useVaultPasswords } from '../../engine/vault/index.ts';
import { moduleRegistry } from '../../modules/index.ts';

function setup(playbookText: string, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-incvars-'));
  writeFileSync(path.join(dir, 'inv'), '[all]\nh1 ansible_connection=local\n');
  writeFileSync(path.join(dir, 'play.yml'), playbookText);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

async function run(dir: string, check = false): Promise<RunReport> {
  const results: TaskResult[] = [];
  return runPlaybook(loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry), loadInventory(path.join(dir, 'inv')), {
    check,
    diff: false,
    forks: 5,
    extraVars: {},
    tags: { only: [], skip: [] },
    transport: { connectTimeoutMs: 5000 },
    events: { playStart: () => undefined, taskStart: () => undefined, result: (r) => void results.push(r) },
    stopping: () => false,
  });
}

const shown = (r: RunReport): string[] => r.results.filter((x) => x.module === 'debug').map((x) => x.msg);
const play = (tasks: string): string => `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks}`;

afterEach(() => resetVault());

describe('include_vars', () => {
  it('finds a free-form file in the playbook vars/ folder; the variables rank above task vars and below set_fact', async () => {
    const dir = setup(
      play(`    - include_vars: common.yml
    - debug: { msg: "{{ a }} {{ b }}" }
      vars: { a: task-a }
    - set_fact: { b: fact-b }
    - include_vars: { file: common.yml }
    - debug: { msg: "{{ a }} {{ b }}" }
`),
      { 'vars/common.yml': 'a: inc-a\nb: inc-b\n', 'common.yml': 'a: wrong\nb: wrong\n' },
    );
    const r = await run(dir);
    expect(shown(r)).toEqual(['inc-a inc-b', 'inc-a fact-b']);
    const inc = r.results.find((x) => x.module === 'include_vars')!;
    expect(inc.status).toBe('ok');
    expect(r.recap.h1!.failed).toBe(0);
  });

  it('loads under one name, in key=value form, with a templated path', async () => {
    const dir = setup(
      play(`    - include_vars: "file={{ os }}.yml name=cfg"
      vars: { os: debian }
    - debug: { msg: "{{ cfg.pkg }} {{ cfg | length }} {{ pkg is defined }}" }
`),
      { 'vars/debian.yml': 'pkg: apt\nother: 1\n', 'vars/redhat.yml': 'pkg: dnf\n' },
    );
    expect(shown(await run(dir))).toEqual(['apt 2 False']);
  });

  it('takes the path with_first_found and lookup(first_found) give (searched in vars/ first)', async () => {
    const dir = setup(
      play(`    - include_vars: "{{ item }}"
      with_first_found:
        - "{{ os }}.yml"
        - default.yml
      vars: { os: RedHat }
    - debug: { msg: "{{ pkg }}" }
    - include_vars: "{{ lookup('first_found', ['Debian.yml', 'default.yml']) }}"
    - debug: { msg: "{{ pkg }}" }
`),
      { 'vars/default.yml': 'pkg: default\n', 'vars/Debian.yml': 'pkg: apt\n' },
    );
    expect(shown(await run(dir))).toEqual(['default', 'apt']);
  });

  it('looks in the including task file’s vars/ before the playbook’s', async () => {
    const dir = setup(play('    - include_tasks: sub/t.yml\n'), {
      'sub/t.yml': '- include_vars: x.yml\n- debug: { msg: "{{ x }}" }\n',
      'sub/vars/x.yml': 'x: task-dir\n',
      'vars/x.yml': 'x: playbook-dir\n',
    });
    expect(shown(await run(dir))).toEqual(['task-dir']);
  });

  it('in a role, looks in the role’s vars/ first', async () => {
    const dir = setup('- hosts: all\n  gather_facts: false\n  roles: [r]\n', {
      'roles/r/tasks/main.yml': '- include_vars: x.yml\n- debug: { msg: "{{ x }}" }\n',
      'roles/r/vars/x.yml': 'x: role\n',
      'vars/x.yml': 'x: playbook\n',
    });
    expect(shown(await run(dir))).toEqual(['role']);
  });

  it('reads a directory sorted, with depth, files_matching and ignore_files; an unknown extension fails unless ignored', async () => {
    const files = {
      'vars/all/10-a.yml': 'v: a\nfrom_a: 1\n',
      'vars/all/20-b.yaml': 'v: b\n',
      'vars/all/30-c.json': '{"v": "c"}',
      'vars/all/skip.yml': 'v: skipped\n',
      'vars/all/deep/99-z.yml': 'v: deep\n',
      'vars/all/README.txt': 'notes',
    };
    const ok = setup(
      play(`    - include_vars: { dir: all, depth: 1, ignore_files: ['skip.yml'], ignore_unknown_extensions: true }
    - debug: { msg: "{{ v }} {{ from_a }}" }
    - include_vars: { dir: all, files_matching: '^9' }
    - debug: { msg: "{{ v }}" }
`),
      files,
    );
    const r = await run(ok);
    expect(shown(r)).toEqual(['c 1', 'deep']);
    const loaded = r.results.filter((x) => x.module === 'include_vars').map((x) => x.msg);
    expect(loaded[0]).toBe('loaded v, from_a from 3 files');
    const bad = setup(play('    - include_vars: { dir: all }\n'), files);
    const failed = (await run(bad)).results.find((x) => x.module === 'include_vars')!;
    expect(failed.status).toBe('failed');
    expect(failed.msg).toMatch(/README\.txt does not have a valid extension: yaml, yml, json/);
  });

  it('decrypts a vault-encrypted vars file, in check mode too', async () => {
    useVaultPasswords(['fleetplay-test-password']);
    const dir = setup(play('    - include_vars: secret.yml\n    - debug: { msg: "{{ vaulted_user }}" }\n'));
    mkdirSync(path.join(dir, 'vars'));
    copyFileSync(path.join(import.meta.dirname, 'fixtures/vault/vars-file.yml'), path.join(dir, 'vars/secret.yml'));
    expect(shown(await run(dir, true))).toEqual(['alice']);
  });

  it('fails on a missing file, a list, or both file and dir', async () => {
    const missing = await run(setup(play('    - include_vars: nope.yml\n')));
    const m = missing.results.find((x) => x.module === 'include_vars')!;
    expect([m.status, m.msg]).toEqual(['failed', expect.stringMatching(/could not find 'nope\.yml'/)]);
    const list = await run(setup(play('    - include_vars: l.yml\n'), { 'vars/l.yml': '- 1\n- 2\n' }));
    expect(list.results.find((x) => x.module === 'include_vars')!.msg).toMatch(/l\.yml must be stored as a dictionary\/hash/);
    expect(() => loadPlaybook(path.join(setup(play('    - include_vars: { file: a.yml, dir: b }\n')), 'play.yml'), moduleRegistry)).toThrow(
      /include_vars/,
    );
  });
});
