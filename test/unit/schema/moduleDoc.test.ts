// `engine doc`: docs/modules/ is what the code generates now, every module has a summary and a page,
// and the text a terminal shows names the arguments, aliases and choices from validate's own schema.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { moduleDocFiles } from '../../../engine/cli/doc.ts';
import { docText, moduleDoc } from '../../../engine/schema/moduleDoc.ts';
import { moduleRegistry } from '../../../modules/index.ts';
import { spawnSync } from 'node:child_process';

const ROOT = path.join(import.meta.dirname, '../../..');
const DIR = path.join(ROOT, 'docs/modules');

/** `engine <args>` as a real process. */
function engine(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'engine', 'index.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('engine doc', () => {
  it('docs/modules/ is current (regenerate with npx tsx engine doc --write docs/modules)', () => {
    const files = moduleDocFiles();
    expect(readdirSync(DIR).sort()).toEqual([...files.keys()].sort());
    for (const [name, text] of files) expect(readFileSync(path.join(DIR, name), 'utf8'), name).toBe(text);
  });

  it('every module says in one line what it does', () => {
    const missing = moduleRegistry.definitions().filter((m) => !m.summary?.trim());
    expect(missing.map((m) => m.name)).toEqual([]);
  });

  it("shows a module's arguments with their aliases, choices and which are required", () => {
    const text = docText(moduleDoc(moduleRegistry.find('ansible.builtin.file')!));
    expect(text).toMatch(/^> FILE {4}\(runs on the host\)\n/);
    expect(text).toContain('  = path  (aliases: dest, name)\n');
    expect(text).toMatch(/ {2}- state\n {8}type: choice; choices: "file", "directory", "absent", "touch", "link", "hard"\n/);
    expect(text).toContain('  ansible.builtin.file:\n      path: <string>');
  });

  it('answers --list, and an unknown module with a suggestion and exit 4', () => {
    const list = engine(['doc', '--list']);
    expect(list.code).toBe(0);
    expect(list.stdout.trim().split('\n')).toHaveLength(moduleRegistry.definitions().length);
    expect(list.stdout).toMatch(/^systemd +Start, stop, restart or reload a unit/m);
    const bad = engine(['doc', 'coppy']);
    expect(bad.code).toBe(4);
    expect(bad.stderr).toContain("no module 'coppy'; did you mean 'copy'?");
  });
});
