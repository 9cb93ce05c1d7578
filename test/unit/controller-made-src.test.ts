// Two playbook shapes ansible-core's copy target uses: a literal src that an earlier controller task
// (delegate_to: localhost, local_action, a delegated block or import) creates, which validate cannot
// find yet, and include_tasks written in Ansible's key=value form (`include_tasks: file=x.yml`).
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlaybook } from '../../engine/playbook/load.ts';
import { Problems } from '../../engine/playbook/problems.ts';
import type { IncludeDef } from '../../engine/types.ts';
import { moduleRegistry } from '../../modules/index.ts';

function playbook(text: string, extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-made-src-'));
  for (const [name, body] of Object.entries(extra)) writeFileSync(path.join(dir, name), body);
  writeFileSync(path.join(dir, 'play.yml'), text);
  return path.join(dir, 'play.yml');
}

/** The refusal's message ('' when the playbook loads) and the warnings. */
function load(file: string): { error: string; warnings: string[] } {
  const guarded = new Problems();
  try {
    loadPlaybook(file, moduleRegistry, { guardedProblems: guarded });
    return { error: '', warnings: guarded.list.map((p) => p.message) };
  } catch (err) {
    const error = typeof (err as { format?: unknown }).format === 'function' ? (err as { format(): string }).format() : String(err);
    return { error, warnings: guarded.list.map((p) => p.message) };
  }
}

describe('a src an earlier controller task may create', () => {
  it.each([
    ['delegate_to: localhost', '    - file: { path: made, state: directory }\n      delegate_to: localhost\n'],
    ['local_action', '    - local_action: command mkdir made\n'],
    ['a delegated block', '    - block:\n        - file: { path: made, state: directory }\n      delegate_to: localhost\n'],
    ['connection: local', '    - file: { path: made, state: directory }\n      connection: local\n'],
  ])('is a warning after %s: the run looks for it when the task runs', (_what, before) => {
    const file = playbook(`- hosts: all\n  tasks:\n${before}    - copy: { src: made, dest: /tmp/x }\n`);
    const { error, warnings } = load(file);
    expect(error).toBe('');
    expect(warnings).toEqual([expect.stringMatching(/^copy src 'made' not found; looked in /)]);
  });

  it('is still refused with no controller task before it (a typo is caught before the run)', () => {
    const file = playbook(
      '- hosts: all\n  tasks:\n    - copy: { src: made, dest: /tmp/x }\n    - file: { path: made, state: directory }\n      delegate_to: localhost\n',
    );
    expect(load(file).error).toMatch(/copy src 'made' not found; looked in /);
  });
});

describe('include_tasks in the key=value form', () => {
  it('reads file=NAME as the file, and keeps a plain name as it is', () => {
    const file = playbook(
      '- hosts: all\n  tasks:\n    - include_tasks: file=inner.yml\n    - include_tasks: inner.yml\n    - import_tasks: file=inner.yml\n',
      {
        'inner.yml': '- debug: { msg: hi }\n',
      },
    );
    // The import is read at load time: a file named 'file=inner.yml' would be refused as missing.
    const { error } = load(file);
    expect(error).toBe('');
    const tasks = loadPlaybook(file, moduleRegistry).plays[0]!.tasks as IncludeDef[];
    expect(tasks.slice(0, 2).map((t) => t.file)).toEqual(['inner.yml', 'inner.yml']);
  });
});

describe("a module's own words for arguments its schema refuses", () => {
  it('copy says what Ansible’s copy action says, at validate time and for a task written to fail', () => {
    const file = playbook(
      '- hosts: all\n  tasks:\n    - copy: { src: a }\n    - copy: { dest: /tmp/x }\n    - copy: { src: a, content: b, dest: /tmp/x }\n',
      { a: 'a' },
    );
    const { error } = load(file);
    expect(error).toContain('play.yml:3:7: dest is required');
    expect(error).toContain('play.yml:4:7: src (or content) is required');
    expect(error).toContain('play.yml:5:7: src and content are mutually exclusive');
    expect(error).not.toContain("missing required argument 'dest'");
    const deferred = playbook('- hosts: all\n  tasks:\n    - copy: { src: a }\n      ignore_errors: true\n', { a: 'a' });
    const tasks = loadPlaybook(deferred, moduleRegistry).plays[0]!.tasks as Array<{ argumentProblem?: { message: string } }>;
    expect(tasks[0]?.argumentProblem?.message).toBe('dest is required');
  });
});
