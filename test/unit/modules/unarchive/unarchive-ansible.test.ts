// unarchive where ansible-core's unarchive target checks Ansible's results: symbolic modes applied to each
// member's mode, a bad one refused with `details`, include and exclude together, a relative dest's
// warning, tar's message for an option it refuses. Real tar and /bin/sh on this machine.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import type { Plan, Vars } from '../../../../engine/types.ts';
import { wantedMode } from '../../../../modules/unarchive/archiveCompare.ts';
import { unarchiveModule } from '../../../../modules/unarchive/index.ts';
import { fakeHost, runLocally } from '../../../support/fakeHost.ts';

let work: string;
let archive: string;

beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'fp-unarchive-ansible-'));
  const root = path.join(work, 'src', 'pkg');
  mkdirSync(root, { recursive: true });
  writeFileSync(path.join(root, 'run'), 'run\n');
  writeFileSync(path.join(root, 'data'), 'data\n');
  chmodSync(path.join(root, 'run'), 0o755);
  chmodSync(path.join(root, 'data'), 0o644);
  archive = path.join(work, 'pkg.tar');
  execFileSync('tar', ['-cf', archive, '-C', path.join(work, 'src'), 'pkg']);
});

const modeOf = (p: string): string => (statSync(p).mode & 0o7777).toString(8).padStart(4, '0');

async function run(
  args: Vars,
  check = false,
): Promise<{ plan: Plan; out?: Awaited<ReturnType<Extract<Plan, { kind: 'change' }>['apply']>> }> {
  const plan = await planModule(unarchiveModule, args, fakeHost({ reply: runLocally, check }));
  return { plan, ...(plan.kind === 'change' && !check ? { out: await plan.apply() } : {}) };
}

describe('unarchive as ansible-core checks it', () => {
  it("applies a symbolic mode to each member's own mode (X for directories and executables), then is idempotent", async () => {
    const dest = mkdtempSync(path.join(work, 'dest-'));
    const mode = 'u+rwX,g-rwx,o-rwx';
    const check = await run({ src: archive, dest, remote_src: true, mode }, true);
    expect(check.plan.kind).toBe('change');
    expect((await run({ src: archive, dest, remote_src: true, mode })).out?.kind).toBe('changed');
    expect([modeOf(path.join(dest, 'pkg')), modeOf(path.join(dest, 'pkg/run')), modeOf(path.join(dest, 'pkg/data'))]).toEqual([
      '0700',
      '0700',
      '0600',
    ]);
    expect((await run({ src: archive, dest, remote_src: true, mode })).plan.kind).toBe('ok');
    // Another spelling that leaves the same modes changes nothing; one that does not is fixed in place.
    expect((await run({ src: archive, dest, remote_src: true, mode: 'u=rwX,go=' })).plan.kind).toBe('ok');
    expect((await run({ src: archive, dest, remote_src: true, mode: 'g+r' })).out?.kind).toBe('changed');
    expect(modeOf(path.join(dest, 'pkg/data'))).toBe('0640');
  });

  it('computes a symbolic mode as Ansible does, and leaves an octal one as it is', () => {
    expect(wantedMode('u+rwX,g-rwx,o-rwx', '0644', false, 0o022)).toBe('0600');
    expect(wantedMode('u+rwX,g-rwx,o-rwx', '0755', true, 0o022)).toBe('0700');
    expect(wantedMode('u+rwX-x,g-rwx,o=x', '0644', false, 0o022)).toBe('0601');
    expect(wantedMode('0640', '0755', true, 0o022)).toBe('0640');
  });

  it("refuses a bad symbolic mode with Ansible's message and the clause in details, before reading", async () => {
    for (const mode of ['u=foo', 'foo=r', 'ao=r']) {
      const h = fakeHost();
      expect(await planModule(unarchiveModule, { src: archive, dest: work, remote_src: true, mode }, h)).toMatchObject({
        kind: 'failed',
        msg: 'mode must be in octal or symbolic form',
        data: { details: `bad symbolic permission for mode: ${mode}` },
      });
      expect(h.commands).toEqual([]);
    }
  });

  it('refuses include and exclude together, as mutually exclusive', async () => {
    const plan = await planModule(
      unarchiveModule,
      { src: archive, dest: work, remote_src: true, include: ['a'], exclude: ['b'] },
      fakeHost(),
    );
    expect(plan).toMatchObject({ kind: 'failed', msg: 'parameters are mutually exclusive: include|exclude' });
  });

  it('warns that a relative dest was resolved against the working directory, with the absolute path', async () => {
    const dest = path.relative(process.cwd(), mkdtempSync(path.join(work, 'rel-')));
    const { plan } = await run({ src: archive, dest, remote_src: true });
    expect(plan.data?.warnings).toEqual([`Relative destination path '${dest}' was resolved to absolute path '${path.resolve(dest)}'.`]);
  });

  it("names tar by its path in the message for an option tar refuses, as Ansible's does", async () => {
    const dest = mkdtempSync(path.join(work, 'dest-'));
    const { plan } = await run({ src: archive, dest, remote_src: true, extra_opts: ['--no-such-option'] });
    expect(plan).toMatchObject({
      kind: 'failed',
      msg: expect.stringMatching(/^Unable to list files in the archive: \/.*\/tar: unrecognized option '--no-such-option'/),
    });
  });
});
