// assemble: fragments joined as Ansible joins them, written as copy writes content; run for real under
// /bin/sh on temp directories; check mode predicts the real run and writes nothing.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { createPredictedState } from '../../../../engine/executor/predicted.ts';
import type { Plan } from '../../../../engine/types.ts';
import { assembleModule } from '../../../../modules/assemble/index.ts';
import { escapeDecode, joinFragments } from '../../../../modules/assemble/fragments.ts';
import { slurpModule } from '../../../../modules/slurp/index.ts';
import { fakeHost, runLocally } from '../../../support/fakeHost.ts';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'fp-assemble-'));
const run = async (plan: Plan) => (plan.kind === 'change' ? plan.apply() : plan);

/** A fragment directory: out of order names, one without a final newline, a hidden one, a subdirectory, a link. */
function fragments(): { dir: string; src: string; dest: string } {
  const dir = tmp();
  const src = path.join(dir, 'frags');
  mkdirSync(src);
  writeFileSync(path.join(src, 'b.conf'), 'b\n');
  writeFileSync(path.join(src, '10-first'), 'ten');
  writeFileSync(path.join(src, '9-second'), 'nine\n');
  writeFileSync(path.join(src, '.hidden'), 'hidden\n');
  writeFileSync(path.join(dir, 'outside'), 'linked\n');
  symlinkSync(path.join(dir, 'outside'), path.join(src, 'c-link'));
  mkdirSync(path.join(src, 'a-subdir'));
  return { dir, src, dest: path.join(dir, 'out.conf') };
}

describe('assemble', () => {
  it('joins regular files in sorted order, a newline after a fragment without one; then is ok', async () => {
    const { src, dest } = fragments();
    const h = fakeHost({ reply: runLocally });
    const plan = await planModule(assembleModule, { src, dest }, h);
    expect(plan).toMatchObject({ kind: 'change', msg: `create ${dest} (25 bytes) from 5 fragments` });
    expect(await run(plan)).toMatchObject({ kind: 'changed' });
    expect(readFileSync(dest, 'utf8')).toBe('hidden\nten\nnine\nb\nlinked\n');
    expect(await planModule(assembleModule, { src, dest }, h)).toMatchObject({ kind: 'ok', msg: `${dest} is up to date` });
  });

  it('delimiter (escapes decoded, a newline added), regexp (re.search) and ignore_hidden', async () => {
    const { src, dest } = fragments();
    const h = fakeHost({ reply: runLocally });
    await run(await planModule(assembleModule, { src, dest, delimiter: '### part\\t', ignore_hidden: true }, h));
    expect(readFileSync(dest, 'utf8')).toBe('ten\n### part\t\nnine\n### part\t\nb\n### part\t\nlinked\n');
    await run(await planModule(assembleModule, { src, dest, regexp: '^\\d', delimiter: '--\\n' }, h));
    expect(readFileSync(dest, 'utf8')).toBe('ten\n--\nnine\n');
    expect(await planModule(assembleModule, { src, dest, regexp: '(' }, h)).toMatchObject({
      kind: 'failed',
      msg: expect.stringContaining('regexp'),
    });
  });

  it('mode, backup and validate, as copy: a failed validation leaves dest as it was', async () => {
    const { dir, src, dest } = fragments();
    writeFileSync(dest, 'old\n');
    const h = fakeHost({ reply: runLocally });
    const bad = await run(await planModule(assembleModule, { src, dest, validate: 'grep -q nothing-like-this %s' }, h));
    expect(bad).toMatchObject({ kind: 'failed', msg: 'failed to validate' });
    expect(readFileSync(dest, 'utf8')).toBe('old\n');
    expect(await planModule(assembleModule, { src, dest, validate: 'true' }, h)).toEqual(
      expect.objectContaining({ kind: 'failed', msg: 'validate must contain %s: true' }),
    );
    const good = await run(await planModule(assembleModule, { src, dest, validate: 'grep -q linked %s', backup: true, mode: '0600' }, h));
    expect(good).toMatchObject({ kind: 'changed', data: { backup_file: expect.stringMatching(/out\.conf\.\d+\..*~$/) } });
    expect(statSync(dest).mode & 0o777).toBe(0o600);
    const backups = readdirSync(dir).filter((n) => n.startsWith('out.conf.'));
    expect(backups).toHaveLength(1);
    expect(readFileSync(path.join(dir, backups[0] as string), 'utf8')).toBe('old\n');
  });

  it("fails with Ansible's words on a missing src and a src that is not a directory", async () => {
    const { dir, src, dest } = fragments();
    const h = fakeHost({ reply: runLocally });
    expect(await planModule(assembleModule, { src: path.join(dir, 'nope'), dest }, h)).toEqual({
      kind: 'failed',
      msg: `Source (${path.join(dir, 'nope')}) does not exist`,
    });
    expect(await planModule(assembleModule, { src: path.join(src, 'b.conf'), dest }, h)).toEqual({
      kind: 'failed',
      msg: `Source (${path.join(src, 'b.conf')}) is not a directory`,
    });
  });

  it('check mode: writes nothing, the next task reads the predicted file, and after the real run it is ok', async () => {
    const { src, dest } = fragments();
    const predicted = createPredictedState();
    const c = fakeHost({ check: true, predicted, reply: runLocally });
    expect(await planModule(assembleModule, { src, dest, delimiter: '#' }, c)).toMatchObject({
      kind: 'change',
      diff: [{ before: '', after: 'hidden\n#\nten\n#\nnine\n#\nb\n#\nlinked\n' }],
    });
    expect(existsSync(dest)).toBe(false);
    expect(await planModule(slurpModule, { src: dest }, c)).toMatchObject({
      kind: 'ok',
      data: { content: Buffer.from('hidden\n#\nten\n#\nnine\n#\nb\n#\nlinked\n').toString('base64') },
    });
    expect(await planModule(assembleModule, { src, dest, delimiter: '#' }, c)).toMatchObject({ kind: 'ok' });
    await run(await planModule(assembleModule, { src, dest, delimiter: '#' }, fakeHost({ reply: runLocally })));
    expect(await planModule(assembleModule, { src, dest, delimiter: '#' }, fakeHost({ check: true, reply: runLocally }))).toMatchObject({
      kind: 'ok',
    });
  });

  it('check mode: fragments an earlier task would write make it unknown (check mode cannot list them)', async () => {
    const { src, dest } = fragments();
    const predicted = createPredictedState();
    predicted.setFile(path.join(src, 'z.conf'), { type: 'file', content: 'z\n' });
    const c = fakeHost({ check: true, predicted, reply: runLocally });
    expect(await planModule(assembleModule, { src, dest }, c)).toEqual({
      kind: 'unknown',
      msg: `an earlier task would change files under ${src}; check mode cannot list them`,
    });
    expect(c.commands).toHaveLength(0);
  });

  it('remote_src: false assembles a controller directory, found as a files src', async () => {
    const { src } = fragments();
    const hostDir = tmp();
    const dest = path.join(hostDir, 'out');
    const h = fakeHost({ reply: runLocally, resolveLocalPath: (rel) => path.join(path.dirname(src), rel) });
    expect(await run(await planModule(assembleModule, { src: 'frags', dest, remote_src: false }, h))).toMatchObject({ kind: 'changed' });
    expect(readFileSync(dest, 'utf8')).toBe('hidden\nten\nnine\nb\nlinked\n');
    expect(h.commands.some((c) => c.includes('frags'))).toBe(false);
  });

  it("joinFragments and escapeDecode follow Python's assemble_from_fragments and codecs.escape_decode", () => {
    const f = (name: string, s: string) => ({ name, content: Buffer.from(s) });
    expect(joinFragments([], '#').toString()).toBe('');
    expect(joinFragments([f('a', ''), f('b', 'x')], undefined).toString()).toBe('\nx');
    expect(escapeDecode(Buffer.from('a\\x41\\101\\q\\\\')).toString()).toBe('aAA\\q\\');
    // Ansible decodes the delimiter again before each later fragment: '\\\\n' is '\\n' once, then a newline.
    expect(joinFragments([f('a', '1\n'), f('b', '2\n'), f('c', '3\n')], '\\\\n').toString()).toBe('1\n\\n\n2\n\n3\n');
  });
});
