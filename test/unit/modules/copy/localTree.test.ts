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
