// The editor schemas (schemas/*.json, from `engine schema`): current with the code, every playbook and task
// file in the repository that `engine validate` accepts is valid against them (no false red squiggles),
// and known mistakes are not.
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { schemaText } from '../../../engine/cli/schema.ts';
import { loadPlaybook } from '../../../engine/playbook/load.ts';
import { Problems } from '../../../engine/playbook/problems.ts';
import { SCHEMA_KINDS } from '../../../engine/schema/editorSchema.ts';
import { moduleRegistry } from '../../../modules/index.ts';

const ROOT = path.join(import.meta.dirname, '../../..');
// inlineRefs off: inlined, the task validator's frame (every module's arguments) overflows the stack at three nested blocks.
const ajv = new Ajv({ allErrors: true, strict: false, inlineRefs: false });
const check = Object.fromEntries(
  SCHEMA_KINDS.map((k) => [k, ajv.compile(JSON.parse(readFileSync(path.join(ROOT, 'schemas', `${k}.json`), 'utf8')))]),
);

function yamlFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true })
    .map((f) => path.join(dir, String(f)))
    .filter((f) => /\.ya?ml$/.test(f) && statSync(path.join(ROOT, f)).isFile());
}

/** The schema's errors for `file` read as `kind`, one line each. */
function errors(kind: 'playbook' | 'tasks' | 'inventory', file: string): string[] {
  const value = parse(readFileSync(path.join(ROOT, file), 'utf8'), { version: '1.1' });
  const validate = check[kind]!;
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/** Whether `engine validate`'s loader accepts the playbook. */
function validates(file: string): boolean {
  try {
    loadPlaybook(path.join(ROOT, file), moduleRegistry);
    return true;
  } catch {
    return false;
  }
}

const PLAYBOOKS = [
  ...yamlFiles('playbooks').filter((f) => !f.includes(`${path.sep}tasks${path.sep}`) && !f.includes('group_vars')),
  ...yamlFiles('test/fixtures/roles/playbooks'),
  'bench/ansible/containerd.yml',
  ...yamlFiles('test/e2e/playbooks').filter((f) => !/tasks|vars|group_vars|host_vars/.test(f)),
];
const ROLES = 'test/fixtures/roles';
const scratch = mkdtempSync(path.join(os.tmpdir(), 'schema-'));
/** Whether validate's loader accepts `file` as a task list, imported by a play, with no problem left waiting. */
function taskFileValidates(file: string): boolean {
  const play = path.join(scratch, 'play.yml');
  writeFileSync(play, `- hosts: all\n  gather_facts: false\n  tasks:\n    - import_tasks: ${JSON.stringify(path.join(ROOT, file))}\n`);
  const guarded = new Problems();
  try {
    loadPlaybook(play, moduleRegistry, { rolesPath: [path.join(ROOT, ROLES)], guardedProblems: guarded });
  } catch {
    return false;
  }
  return guarded.list.length === 0;
}
const TASK_FILES = [...yamlFiles('playbooks/tasks'), ...yamlFiles(ROLES).filter((f) => /\/(tasks|handlers)\//.test(f))];

describe('editor schemas', () => {
  it.each(SCHEMA_KINDS)(
    'schemas/%s.json is what `engine schema` writes now (regenerate with npx tsx engine schema KIND -o schemas/KIND.json)',
    (kind) => {
      expect(readFileSync(path.join(ROOT, 'schemas', `${kind}.json`), 'utf8')).toBe(schemaText(kind));
    },
  );

  it('accepts every playbook of the repository that validate accepts', () => {
    const accepted = PLAYBOOKS.filter((f) => validates(f));
    expect(accepted.length).toBeGreaterThan(15);
    const rejected = accepted.map((f) => [f, errors('playbook', f)] as const).filter(([, e]) => e.length > 0);
    expect(rejected).toEqual([]);
  });

  it('accepts every task file of the repository and of the pinned public roles', () => {
    const accepted = TASK_FILES.filter((f) => taskFileValidates(f));
    expect(accepted.length).toBeGreaterThan(20);
    const rejected = accepted.map((f) => [f, errors('tasks', f)] as const).filter(([, e]) => e.length > 0);
    expect(rejected).toEqual([]);
  });

  it('accepts the YAML inventories of the repository', () => {
    const files = yamlFiles('inventory').filter((f) => !/group_vars|host_vars/.test(f));
    for (const f of files) expect(errors('inventory', f), f).toEqual([]);
  });

  it.each([
    ['an unknown argument', { file: { path: '/x', colour: 'blue' } }, /must NOT have additional properties/],
    ['a misspelt keyword', { name: 'x', command: 'true', whn: 'x' }, /must NOT have additional properties/],
    ['an unknown module', { name: 'x', no_such_module: { a: 1 } }, /must NOT have additional properties/],
    ['a state the module does not have', { file: { path: '/x', state: 'gone' } }, /must be equal to one of the allowed values/],
    ['a word where a boolean goes', { apt: { name: 'x', update_cache: 'maybe' } }, /must match pattern|must be boolean/],
    ['a missing required argument', { get_url: { url: 'http://x/y' } }, /must have required property 'dest'/],
  ])('rejects %s', (_what, task, message) => {
    const validate = check.tasks!;
    expect(validate([task])).toBe(false);
    expect((validate.errors ?? []).map((e) => e.message).join('\n')).toMatch(message);
  });

  it.each([
    ['Ansible boolean words and templates', { apt: { name: 'x', update_cache: 'yes', cache_valid_time: '{{ ttl }}' } }],
    ['an alias of an argument', { file: { dest: '/x', state: 'directory' } }],
    ['a collection prefix and key=value arguments', { 'ansible.builtin.file': 'path=/x state=directory' }],
    ['a block with rescue', { block: [{ command: 'true' }], rescue: [{ debug: { msg: 'hi' } }] }],
    ['blocks three deep', { block: [{ block: [{ block: [{ debug: { msg: 'deep' } }] }] }] }],
    ['a templated item in a list argument', { apt: { name: ['cri-o={{ v }}', 'runc'], state: 'present' } }],
    ['include_role with apply', { include_role: { name: 'r', apply: { tags: ['a'] } }, when: 'x' }],
  ])('accepts %s', (_what, task) => {
    const validate = check.tasks!;
    expect(validate([task]), JSON.stringify(validate.errors)).toBe(true);
  });
});
