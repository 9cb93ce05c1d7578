// Text from hosts, inventories and playbooks cannot drive the operator's terminal.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { printable } from '../../engine/output/printable.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('printable', () => {
  it('writes cursor movement, erasing, carriage returns and other controls as escapes', () => {
    expect(printable('line\x1b[2K\rFAKE ok')).toBe('line\\x1b[2K\\rFAKE ok');
    expect(printable('a\x1bcb\x07\x00\x7f\x9b')).toBe('a\\x1bcb\\x07\\x00\\x7f\\x9b');
    expect(printable('\x1b]0;title\x07')).toBe('\\x1b]0;title\\x07');
  });

  it('keeps newlines, tabs, text and colour codes', () => {
    expect(printable('a\tb\nc é 日本 \x1b[31mred\x1b[0m \x1b[1;32m')).toBe('a\tb\nc é 日本 \x1b[31mred\x1b[0m \x1b[1;32m');
  });

  it('a host cannot rewrite the console through its output, nor a host name through the inventory', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-printable-'));
    writeFileSync(path.join(dir, 'inv'), '[x]\nh1 ansible_connection=local\n');
    writeFileSync(
      path.join(dir, 'p.yml'),
      `- hosts: all\n  gather_facts: false\n  tasks:\n    - command: printf 'line\\033[2K\\rFAKE ok\\n'\n`,
    );
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'engine/index.ts'), 'run', path.join(dir, 'p.yml'), '-i', path.join(dir, 'inv')],
      {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: '1', FLEETPLAY_RETRY_DIR: dir },
        encoding: 'utf8',
      },
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('line\\x1b[2K\\rFAKE ok');
    expect(r.stdout).not.toContain('\x1b');
    expect(r.stdout).not.toContain('\r');
  });
});
