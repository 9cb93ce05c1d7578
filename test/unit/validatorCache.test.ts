// The on-disk cache of compiled validators: same verdicts and errors as ajv's own compile, reused
// across loads, and a damaged or unwritable cache costs only a compile.
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { afterEach, describe, expect, it } from 'vitest';
import { loadValidator } from '../../engine/playbook/validatorCache.ts';
import { findModule } from '../../modules/index.ts';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'fp-validators-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) {
    chmodSync(d, 0o755);
    rmSync(d, { recursive: true, force: true });
  }
});

const schema = findModule('copy')!.schema;
const samples: unknown[] = [
  { dest: '/etc/x', content: 'a' },
  { dest: '/etc/x', content: 'a', mode: '0644', owner: 'root', backup: true },
  { content: 'a' },
  { dest: '/etc/x', content: 'a', src: 'b' },
  { dest: 3, contnet: 'a', mode: [] },
  {},
  'not an object',
];

describe('validator cache', () => {
  it('a validator loaded from disk gives the same verdicts and errors as a fresh ajv compile', () => {
    const dir = tempDir();
    const reference = new Ajv({ allErrors: true, strict: false }).compile(schema);
    const first = loadValidator(schema, dir);
    const second = loadValidator(schema, dir);
    expect([first.source, second.source]).toEqual(['compiled', 'disk']);
    for (const value of samples) {
      const want = reference(value);
      expect(first.validate(value)).toBe(want);
      expect(second.validate(value)).toBe(want);
      expect(second.validate.errors ?? null).toEqual(reference.errors ?? null);
    }
    // At least one sample is invalid with several errors, so the comparison above means something.
    expect(reference(samples[4])).toBe(false);
    expect(reference.errors!.length).toBeGreaterThan(1);
  });

  it('keys the file by the schema: a different schema is compiled, not served another one', () => {
    const dir = tempDir();
    loadValidator({ type: 'object', properties: { a: { type: 'string' } } }, dir);
    const other = loadValidator({ type: 'object', properties: { a: { type: 'number' } } }, dir);
    expect(other.source).toBe('compiled');
    expect(other.validate({ a: 1 })).toBe(true);
    expect(other.validate({ a: 'x' })).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.cjs'))).toHaveLength(2);
  });

  it('a damaged cache file is compiled again and replaced', () => {
    const dir = tempDir();
    const s = { type: 'object', required: ['x'] };
    loadValidator(s, dir);
    const [file] = readdirSync(dir);
    writeFileSync(path.join(dir, file!), 'module.exports = (');
    const again = loadValidator(s, dir);
    expect(again.source).toBe('compiled');
    expect(again.validate({})).toBe(false);
    expect(loadValidator(s, dir).source).toBe('disk');
  });

  it('an unwritable cache directory still validates (compiles every time)', () => {
    if (process.getuid?.() === 0) {
      // root writes through mode bits; a path under a regular file cannot be created by anyone.
      const file = path.join(tempDir(), 'not-a-dir');
      writeFileSync(file, '');
      const v = loadValidator({ type: 'string' }, path.join(file, 'validators'));
      expect(v.source).toBe('compiled');
      expect(v.validate('a')).toBe(true);
      expect(loadValidator({ type: 'string' }, path.join(file, 'validators')).source).toBe('compiled');
      return;
    }
    const dir = tempDir();
    chmodSync(dir, 0o500);
    expect(loadValidator({ type: 'string' }, dir).source).toBe('compiled');
    expect(loadValidator({ type: 'string' }, dir).validate(1)).toBe(false);
  });
});
