// Symbolic modes computed as chmod computes them (the real chmod is the oracle), and Ansible's refusals.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSymbolicMode, resolveMode, symbolicModeProblem } from '../../../../modules/lib/symbolicMode.ts';

const SPECS = [
  'u=rw,g=r,o=',
  'u+x,g-w',
  'a+X',
  'a-x',
  '=',
  'go=',
  'u=rwx,go=rx',
  'g=u',
  'o=g-w',
  'u+s,g+s',
  '+t',
  'a=r',
  'ug+rw,o-rwx',
  'a+rX',
  'u-x,a+X',
];
const STARTS = [0o644, 0o600, 0o755, 0o640, 0o4750, 0o1777, 0o000];

describe('resolveMode against chmod', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-symmode-'));
  for (const isDir of [false, true]) {
    it(`computes what chmod leaves on a ${isDir ? 'directory' : 'file'}`, () => {
      const target = path.join(dir, isDir ? 'd' : 'f');
      if (isDir) mkdirSync(target, { recursive: true });
      else writeFileSync(target, '');
      for (const start of STARTS) {
        for (const spec of SPECS) {
          // GNU chmod keeps a directory's setuid/setgid bits unless told otherwise; Ansible's os.chmod does not
          // (its `=` clears them): those starts are checked below instead.
          if (isDir && (start & 0o6000) !== 0) continue;
          chmodSync(target, start);
          const before = statSync(target).mode & 0o7777;
          // Clauses without a who part use the umask, as chmod does: run it under umask 022.
          execFileSync('sh', ['-c', 'umask 022; chmod -- "$1" "$2"', 'sh', spec, target]);
          const after = (statSync(target).mode & 0o7777).toString(8).padStart(4, '0');
          expect([spec, start.toString(8), resolveMode(spec, before, isDir, 0o022)]).toEqual([spec, start.toString(8), after]);
        }
      }
      chmodSync(target, 0o700);
    });
  }

  it("clears a directory's setuid bit with u= as Ansible does (GNU chmod would keep it)", () => {
    expect(resolveMode('a=r', 0o4750, true)).toBe('0444');
    expect(resolveMode('a+X', 0o4640, true)).toBe('4751');
  });

  it('reads ints and octal strings as Ansible does (YAML 0644 is 420; a bare 644 int is decimal)', () => {
    expect(resolveMode(0o644, 0, false)).toBe('0644');
    expect(resolveMode(644, 0, false)).toBe('1204');
    expect(resolveMode('644', 0o777, false)).toBe('0644');
    expect(resolveMode('02755', 0, true)).toBe('2755');
    expect(isSymbolicMode('0644')).toBe(false);
    expect(isSymbolicMode('u+x')).toBe(true);
  });

  it('refuses what Ansible calls a bad symbolic permission', () => {
    expect(symbolicModeProblem('u+x,g-w')).toBeUndefined();
    expect(symbolicModeProblem('u+q')).toBe('bad symbolic permission for mode: u+q');
    expect(symbolicModeProblem('ua+x')).toBe('bad symbolic permission for mode: ua+x');
    expect(() => resolveMode('z=r', 0o644, false)).toThrow(/bad symbolic/);
  });
});
