// A directory src's walk with local_follow (the default), as Ansible's _walk_dirs: a link to a file is that
// file, a link to a directory is walked unless it leads back up the walk, and a dangling or looping link
// stays a link; without local_follow every link stays a link.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { walkLocal } from '../../../../modules/copy/localTree.ts';

function tree(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'fp-copy-walk-'));
  mkdirSync(path.join(root, 'a'));
  mkdirSync(path.join(root, 'b/c'), { recursive: true });
  writeFileSync(path.join(root, 'b/c/f.txt'), 'f\n');
  writeFileSync(path.join(root, 'top.txt'), 't\n');
  symlinkSync('invalid', path.join(root, 'a/invalid')); // a loop
  symlinkSync('../nowhere', path.join(root, 'a/dangling'));
  symlinkSync('../', path.join(root, 'a/circles')); // back up the walk
  symlinkSync('../b/c', path.join(root, 'a/c')); // a directory elsewhere in the tree
  symlinkSync('../top.txt', path.join(root, 'a/top.txt'));
  return root;
}

const shape = (entries: ReturnType<typeof walkLocal>) =>
  entries.map((e) => `${e.rel} ${e.type}${e.type === 'link' ? ` -> ${e.target}` : ''}`);

describe('walkLocal', () => {
  it('follows links to files and directories, and keeps dangling, looping and circular links as links', () => {
    expect(shape(walkLocal(tree(), '', true))).toEqual([
      'a directory',
      'a/c directory',
      'a/c/f.txt file',
      'a/circles link -> ../',
      'a/dangling link -> ../nowhere',
      'a/invalid link -> invalid',
      'a/top.txt file',
      'b directory',
      'b/c directory',
      'b/c/f.txt file',
      'top.txt file',
    ]);
  });

  it('keeps every link as a link without local_follow', () => {
    expect(shape(walkLocal(tree(), 'src', false)).filter((l) => l.includes('link'))).toEqual([
      'src/a/c link -> ../b/c',
      'src/a/circles link -> ../',
      'src/a/dangling link -> ../nowhere',
      'src/a/invalid link -> invalid',
      'src/a/top.txt link -> ../top.txt',
    ]);
  });
});

describe('a copied tree’s links with owner', () => {
  it.skipIf(process.getuid?.() !== 0)('belong to the owner themselves (lchown), as Ansible copies them', async () => {
    const { lstatSync, mkdtempSync: tmp, symlinkSync: link, writeFileSync: write, mkdirSync: mk } = await import('node:fs');
    const { planModule } = await import('../../../../engine/executor/moduleDriver.ts');
    const { copyModule } = await import('../../../../modules/copy/index.ts');
    const { fakeHost, runLocally } = await import('../../../support/fakeHost.ts');
    const src = tmp(path.join(os.tmpdir(), 'fp-copy-own-'));
    mk(path.join(src, 'd'));
    write(path.join(src, 'd/f'), 'x');
    link('d/f', path.join(src, 'l'));
    const dest = path.join(tmp(path.join(os.tmpdir(), 'fp-copy-own-')), 'out');
    const plan = await planModule(copyModule, { src: `${src}/`, dest, remote_src: true, owner: 'nobody' }, fakeHost({ reply: runLocally }));
    if (plan.kind !== 'change') throw new Error(plan.msg);
    expect((await plan.apply()).kind).toBe('changed');
    expect(lstatSync(path.join(dest, 'l')).isSymbolicLink()).toBe(true);
    expect(lstatSync(path.join(dest, 'l')).uid).toBe(65534);
  });
});
