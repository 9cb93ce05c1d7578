// The atomic writer on a real shell (local connection): temp file, verify, rename.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalConnection } from '../../engine/connection/local.ts';
import { writeFileScript } from '../../modules/lib/writeFile.ts';

describe('writeFileScript', () => {
  it('replaces the file only when every byte arrived', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-write-'));
    const dest = path.join(dir, 'config.toml');
    writeFileSync(dest, 'old content\n');
    const conn = new LocalConnection('local');
    const content = 'new content\n'.repeat(100);
    // A cut connection looks like stdin ending early: only half the bytes reach the host.
    const cut = await conn.exec(writeFileScript(dest, content, { mode: '0600' }), { stdin: content.slice(0, content.length / 2) });
    expect(cut.exitCode).not.toBe(0);
    expect(cut.stderr).toMatch(/upload incomplete/);
    expect(readFileSync(dest, 'utf8')).toBe('old content\n');
    expect(readdirSync(dir)).toEqual(['config.toml']);
    const full = await conn.exec(writeFileScript(dest, content, { mode: '0600' }), { stdin: content });
    expect(full.exitCode).toBe(0);
    expect(readFileSync(dest, 'utf8')).toBe(content);
    expect(readdirSync(dir)).toEqual(['config.toml']);
  });

  it('lets a refused chown go, as Ansible does for an unprivileged user overwriting a file it may write', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-write-'));
    const dest = path.join(dir, 'file.txt');
    writeFileSync(dest, 'bar');
    // A chown that fails as it does for a user who does not own the file.
    const bin = mkdtempSync(path.join(os.tmpdir(), 'fp-bin-'));
    writeFileSync(path.join(bin, 'chown'), "#!/bin/sh\necho 'chown: Operation not permitted' >&2\nexit 1\n", { mode: 0o755 });
    const conn = new LocalConnection('local');
    const r = await conn.exec(`PATH=${bin}:$PATH; ${writeFileScript(dest, 'baz', {})}`, { stdin: 'baz' });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(dest, 'utf8')).toBe('baz');
  });
});
