// bench/roles-measure.ts, the closing metric of issue #16: on a small role it counts the tasks that call a
// module fleetplay has and the ones its loader accepts as written, through blocks, apart from includes.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { measureRole } from '../../bench/roles-measure.ts';

function role(files: Record<string, string>): string {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'fp-measure-')), 'owner.role');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe('roles-measure', () => {
  it('counts module tasks, known modules and tasks the loader accepts, with the reason for each other', () => {
    const dir = role({
      'tasks/main.yml': `- name: fine
  ansible.builtin.file: { path: /etc/x, state: directory }
- name: unknown module
  community.general.filesystem: { fstype: swap, dev: /swap }
- name: bad argument
  ansible.builtin.file: { path: /etc/x, colour: blue }
- block:
    - name: inside a block
      debug: { msg: "{{ x }}" }
  rescue:
    - name: broken template
      debug: { msg: "{{ x " }
- include_tasks: other.yml
- name: template from the role
  template: { src: a.j2, dest: /etc/a }
- name: template missing
  template: { src: missing.j2, dest: /etc/b }
`,
      'tasks/other.yml': '- command: echo hi\n',
      'handlers/main.yml': '- name: restart x\n  service: { name: x, state: restarted }\n',
      'templates/a.j2': 'a\n',
    });
    const counts = measureRole(dir);
    expect(counts).toMatchObject({ role: 'owner.role', tasks: 9, known: 8, valid: 5, includes: 1 });
    expect(counts.reasons).toEqual([
      'unknown module community.general.filesystem',
      'file: unknown argument colour',
      "template error: '{{' is not closed by '}}'",
      expect.stringMatching(/^template src 'missing\.j2' not found/),
    ]);
  });
});
