// The file probe under a real /bin/sh: every kind of path, awkward names, and one stat per path.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileStateCommand, parseFileState } from '../../../modules/lib/fileState.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-filestate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const probe = (p: string, sum: 'sha1' | 'sha256' | false = 'sha256') =>
  parseFileState(execFileSync('/bin/sh', ['-c', fileStateCommand(p, sum)]).toString());
const me = os.userInfo().username;
const myGroup = execFileSync('id', ['-gn']).toString().trim();

describe('fileStateCommand', () => {
  it('reads a file: mode, owner, group, size and checksum, for a name with a quote, spaces and a %', () => {
    const f = path.join(dir, "it's a 100% file");
    writeFileSync(f, 'hello\n');
    chmodSync(f, 0o640);
    expect(probe(f)).toEqual({
      type: 'file',
      mode: '0640',
      owner: me,
      group: myGroup,
      size: 6,
      checksum: '5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03',
      uid: process.getuid?.(),
      gid: process.getgid?.(),
    });
    expect(probe(f, 'sha1')).toMatchObject({ checksum: 'f572d396fae9206628714fb2ce00f72e94f2258f' });
    expect(probe(f, false)).not.toHaveProperty('checksum');
  });

  it('reads a directory, a link (not what it points to), another kind of file, and an absent path', () => {
    const d = path.join(dir, 'd');
    mkdirSync(d, { mode: 0o750 });
    chmodSync(d, 0o750);
    symlinkSync(d, path.join(dir, 'l'));
    const ids = { uid: process.getuid?.(), gid: process.getgid?.() };
    expect(probe(d)).toEqual({ type: 'directory', mode: '0750', owner: me, group: myGroup, ...ids });
    expect(probe(path.join(dir, 'l'))).toEqual({ type: 'link', target: d, owner: me, group: myGroup, ...ids });
    expect(probe('/dev/null')).toMatchObject({ type: 'other', mode: '0666' });
    expect(probe(path.join(dir, 'none'))).toEqual({ type: 'absent' });
  });

  it('runs stat once per path', () => {
    for (const p of ['/a', '/b c']) expect(fileStateCommand(p, 'sha256').match(/stat /g)).toHaveLength(4); // one per branch
    const branches = fileStateCommand('/x', 'sha256').split(' elif ');
    for (const b of branches) expect((b.match(/stat /g) ?? []).length).toBeLessThanOrEqual(1);
  });
});
