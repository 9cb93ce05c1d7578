// The controller's memory of file hashes: the shell side (real /bin/sh, real files) reuses a remembered
// sha256 only while the file's identity is unchanged, and the controller remembers only settled or
// self-written files.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  freshHashes,
  hashCacheScript,
  knownHashes,
  rememberHashes,
  under,
  writtenLine,
  type KnownHashes,
} from '../../../modules/lib/hashCache.ts';
import { SHA256_PROBE } from '../../../modules/lib/remoteSha256.ts';

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');
const WRONG = 'f'.repeat(64);

function sumOf(file: string, known: KnownHashes): { sum: string; output: string } {
  const script = `${SHA256_PROBE}\n${hashCacheScript(known)}\nfp_sum '${file}'; echo "sum=$FP_SUM"`;
  const output = execFileSync('/bin/sh', ['-c', script], { encoding: 'utf8' });
  return { sum: /^sum=(.*)$/m.exec(output)![1]!, output };
}

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fp-hashcache-'));
  file = path.join(dir, 'big file');
  writeFileSync(file, 'content\n');
});

describe('fp_sum on the host', () => {
  it('hashes a file it does not know and reports its identity', () => {
    const { sum, output } = sumOf(file, {});
    expect(sum).toBe(sha('content\n'));
    expect(output).toMatch(new RegExp(`^H\\t\\d+:\\d+:8:\\d+\\.\\d+:\\d+\\.\\d+\\t${sum}\\t${file}$`, 'm'));
    expect(output).toMatch(/^now=\d+$/m);
  });

  it('takes the remembered sum while the identity matches, without hashing', () => {
    const identity = sumOf(file, {}).output.match(/^H\t([^\t]+)\t/m)![1]!;
    // A deliberately wrong remembered sum proves the file was not hashed again.
    const { sum, output } = sumOf(file, { [file]: [identity, WRONG] });
    expect(sum).toBe(WRONG);
    expect(output).not.toMatch(/^H\t/m);
  });

  it('hashes again after the content changed, even with size and mtime put back', () => {
    const identity = sumOf(file, {}).output.match(/^H\t([^\t]+)\t/m)![1]!;
    const before = new Date(Number(identity.split(':')[3]) * 1000);
    writeFileSync(file, 'CONTENT\n'); // same size
    utimesSync(file, before, before); // same mtime: only the ctime tells
    expect(sumOf(file, { [file]: [identity, WRONG] }).sum).toBe(sha('CONTENT\n'));
  });

  it('hashes again when the file was appended to, and gives an empty sum for a missing file', () => {
    const identity = sumOf(file, {}).output.match(/^H\t([^\t]+)\t/m)![1]!;
    appendFileSync(file, 'more\n');
    expect(sumOf(file, { [file]: [identity, WRONG] }).sum).toBe(sha('content\nmore\n'));
    expect(sumOf(path.join(dir, 'missing'), {}).sum).toBe('');
  });

  it('does not mistake another path that shares a prefix', () => {
    const identity = sumOf(file, {}).output.match(/^H\t([^\t]+)\t/m)![1]!;
    expect(sumOf(file, { [`${file}x`]: [identity, WRONG], [`x${file}`]: [identity, WRONG] }).sum).toBe(sha('content\n'));
  });

  it('quotes remembered values: a hostile entry is data, never code', () => {
    const marker = path.join(dir, 'pwned');
    const identity = sumOf(file, {}).output.match(/^H\t([^\t]+)\t/m)![1]!;
    const { sum } = sumOf(file, { [file]: [identity, `x; touch '${marker}'`], [`/a'$(touch '${marker}')`]: [identity, WRONG] });
    expect(sum).toBe(`x; touch '${marker}'`);
    expect(existsSync(marker)).toBe(false);
  });

  it('prints a W line for a file just written', () => {
    const out = execFileSync('/bin/sh', ['-c', writtenLine(`'${file}'`, `'${sha('content\n')}'`)], { encoding: 'utf8' });
    expect(freshHashes(out)[file]?.[1]).toBe(sha('content\n'));
  });
});

describe('what the controller remembers', () => {
  const id = (ctime: number): string => `2049:77:8:${ctime}.000000000:${ctime}.500000000`;
  it('keeps hashed files unchanged for two seconds before the host clock, and every written file', () => {
    const A = 'a'.repeat(64);
    const out = [
      `now=1000`,
      `H\t${id(990)}\t${A}\t/old`,
      `H\t${id(999)}\t${A}\t/racy`,
      `W\t${id(1000)}\t${A}\t/written`,
      `H\tjunk\t${A}\t/bad`,
      `H\t${id(1)}\tnot-a-sha\t/bad2`,
    ].join('\n');
    expect(freshHashes(out)).toEqual({ '/old': [id(990), A], '/written': [id(1000), A] });
    expect(freshHashes(`H\t${id(990)}\t${A}\t/old`)).toEqual({});
  });

  it('stores per host and hands back only the paths asked for', () => {
    process.env.FLEETPLAY_CACHE_DIR = mkdtempSync(path.join(os.tmpdir(), 'fp-hashcache-store-'));
    const A = 'a'.repeat(64);
    const h1 = { host: 'h1', vars: { ansible_host: '127.0.1.1' } };
    const h2 = { host: 'h2', vars: { ansible_host: '127.0.1.2' } };
    rememberHashes(h1, `now=1000\nW\t${id(1)}\t${A}\t/usr/local/bin/ctr\nW\t${id(1)}\t${A}\t/opt/cni/bin/bridge`);
    expect(knownHashes(h1, under('/usr/local'))).toEqual({ '/usr/local/bin/ctr': [id(1), A] });
    expect(Object.keys(knownHashes(h1))).toHaveLength(2);
    expect(knownHashes(h2)).toEqual({});
    expect(knownHashes({ host: 'h1', vars: { ansible_host: '10.0.0.1' } })).toEqual({});
    expect(under('/usr/local')('/usr/localx/a')).toBe(false);
  });
});
