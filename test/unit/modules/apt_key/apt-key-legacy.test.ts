// apt_key without keyring (Ansible's legacy behaviour), and the file and keyserver sources: a scripted host
// that answers the probe with apt's trusted keyrings, whether apt-key and gpg are installed, and the key.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { checkSchema } from '../../../../engine/playbook/schemaCheck.ts';
import type { Plan } from '../../../../engine/types.ts';
import { aptKeyModule } from '../../../../modules/apt_key/index.ts';
import { DEPRECATION, keyserverUrl, normalizeKeyId } from '../../../../modules/apt_key/legacy.ts';
import { fakeHost } from '../../../support/fakeHost.ts';

const FIXTURES = path.join(import.meta.dirname, '../../fixtures/openpgp');
const ED_FPR = '3DF4CC5219210111E25F93BE4287CC29786DB3DB';
const RSA_FPR = '97AC24B181677C6208916EB3E7BCB04B27807E30';
const armored = readFileSync(path.join(FIXTURES, 'ed25519.asc'), 'utf8');
const binary = readFileSync(path.join(FIXTURES, 'ed25519.gpg'));
const rsa = readFileSync(path.join(FIXTURES, 'rsa3072.asc'), 'utf8');

/** The legacy probe's answer: tool line, trusted files, the key (with its fetch's exit code). */
function host(opts: { aptKey?: boolean; trusted?: Array<[string, Buffer | string]>; key?: Buffer | string; rc?: number; check?: boolean }) {
  const lines = [
    ...(opts.aptKey ? ['@@tool apt-key'] : []),
    ...(opts.trusted ?? []).map(([p, b]) => `@@file ${p} ${Buffer.from(b).toString('base64')}`),
    ...(opts.key !== undefined ? [`@@key ${Buffer.from(opts.key).toString('base64')}`] : []),
  ];
  const stderr = opts.key !== undefined || opts.rc !== undefined ? `fp_rc=${opts.rc ?? 0}\n` : '';
  return fakeHost({
    check: opts.check ?? false,
    answers: [['@@tool apt-key', { stdout: `${lines.join('\n')}\n`, stderr }]],
  });
}
type Change = Extract<Plan, { kind: 'change' }>;

describe('apt_key without keyring', () => {
  it('takes id, url, data, file, keyserver, state and validate_certs as Ansible does', () => {
    const ok = (a: Record<string, unknown>) => checkSchema(aptKeyModule.schema, a, "module 'apt_key'").length === 0;
    expect(ok({ id: ED_FPR, url: 'https://example.test/k.asc', validate_certs: false })).toBe(true);
    expect(ok({ id: ED_FPR, keyserver: 'hkps://keyserver.ubuntu.com' })).toBe(true);
    expect(ok({ file: '/tmp/k.asc' })).toBe(true);
    expect(ok({ id: ED_FPR, state: 'absent' })).toBe(true);
    expect(ok({ url: 'https://example.test/k.asc', file: '/tmp/k.asc' })).toBe(false);
    expect(ok({ keyserver: 'keyserver.ubuntu.com; rm -rf /', id: ED_FPR })).toBe(false);
    expect(normalizeKeyId('0x786db3db')).toBe('786DB3DB');
    expect(normalizeKeyId('123456789')).toBeUndefined();
    expect(keyserverUrl('keyserver.ubuntu.com', 'AB')).toBe('http://keyserver.ubuntu.com:11371/pks/lookup?op=get&options=mr&search=0xAB');
    expect(keyserverUrl('hkps://keys.openpgp.org', 'AB')).toBe('https://keys.openpgp.org/pks/lookup?op=get&options=mr&search=0xAB');
  });

  it('with apt-key and gpg on the host: apt-key add, with the deprecation warning', async () => {
    const h = host({ aptKey: true, key: armored });
    const p = (await planModule(aptKeyModule, { id: ED_FPR, url: 'https://example.test/k.asc' }, h)) as Change;
    expect(p).toMatchObject({
      kind: 'change',
      msg: expect.stringMatching(/^add 3DF4 CC52 .* with apt-key add \(to \/etc\/apt\/trusted\.gpg\)$/),
    });
    expect(p.data).toMatchObject({ warnings: [DEPRECATION] });
    expect(h.commands[0]).toContain('-- https://example.test/k.asc');
    const out = await p.apply();
    expect(out).toMatchObject({ kind: 'changed', data: { warnings: [DEPRECATION] } });
    expect(h.calls[1]).toEqual({ command: 'apt-key add -', stdin: Buffer.from(armored) });
  });

  it('without a usable apt-key: writes /etc/apt/trusted.gpg.d/<id>.gpg dearmored; ok once it is there', async () => {
    const h = host({ key: armored });
    const p = (await planModule(aptKeyModule, { id: `0x${ED_FPR}`, url: 'https://example.test/k.asc' }, h)) as Change;
    expect(p.kind).toBe('change');
    expect(p.msg).toContain(`as /etc/apt/trusted.gpg.d/${ED_FPR}.gpg (this host cannot run apt-key add`);
    await p.apply();
    const write = h.calls.find((c) => c.stdin !== undefined);
    expect(write?.command).toContain(`/etc/apt/trusted.gpg.d/${ED_FPR}.gpg`);
    expect(Buffer.compare(write?.stdin as Buffer, binary)).toBe(0);
    const again = host({ trusted: [[`/etc/apt/trusted.gpg.d/${ED_FPR}.gpg`, binary]], key: armored });
    expect(await planModule(aptKeyModule, { id: ED_FPR.slice(-8), url: 'https://example.test/k.asc' }, again)).toMatchObject({
      kind: 'ok',
      msg: `key ${ED_FPR.slice(-8)} is already trusted (/etc/apt/trusted.gpg.d/${ED_FPR}.gpg)`,
    });
  });

  it('a key among the trusted ones is ok without an id too (Ansible compares the key count); a wrong key fails', async () => {
    const h = host({ trusted: [['/etc/apt/trusted.gpg.d/x.asc', armored]], key: armored });
    expect((await planModule(aptKeyModule, { url: 'https://example.test/k.asc' }, h)).kind).toBe('ok');
    const wrong = host({ key: rsa });
    expect(await planModule(aptKeyModule, { id: ED_FPR, url: 'https://example.test/k.asc' }, wrong)).toMatchObject({
      kind: 'failed',
      msg: `key does not seem to have been added: the key has ${RSA_FPR}, not ${ED_FPR}`,
    });
    const noSource = host({});
    expect(await planModule(aptKeyModule, { id: ED_FPR }, noSource)).toMatchObject({
      kind: 'failed',
      msg: expect.stringMatching(/^needed a URL but was not specified/),
    });
  });

  it('keyserver: fetched over HKP by the host, failing clearly when it cannot be reached', async () => {
    const h = host({ rc: 7 });
    const p = await planModule(aptKeyModule, { id: ED_FPR, keyserver: 'keyserver.ubuntu.com' }, h);
    expect(p).toMatchObject({
      kind: 'failed',
      msg: `cannot fetch the key from key server keyserver.ubuntu.com (http://keyserver.ubuntu.com:11371/pks/lookup?op=get&options=mr&search=0x${ED_FPR}): exit 7`,
    });
    expect(await planModule(aptKeyModule, { keyserver: 'keyserver.ubuntu.com' }, host({}))).toMatchObject({
      kind: 'failed',
      msg: 'keyserver needs id: the key to fetch from it',
    });
  });

  it('file: read on the host; data: given inline', async () => {
    const h = host({ key: binary });
    expect((await planModule(aptKeyModule, { file: '/root/k.gpg' }, h)).kind).toBe('change');
    expect(h.commands[0]).toContain('base64 -w0 < /root/k.gpg');
    const d = host({});
    expect((await planModule(aptKeyModule, { data: armored, id: ED_FPR }, d)).kind).toBe('change');
  });

  it('absent: removes a trusted.gpg.d file holding only that key; a shared keyring needs apt-key del', async () => {
    const own = host({
      trusted: [
        [`/etc/apt/trusted.gpg.d/${ED_FPR}.gpg`, binary],
        ['/etc/apt/trusted.gpg.d/other.asc', rsa],
      ],
    });
    const p = (await planModule(aptKeyModule, { id: ED_FPR, state: 'absent' }, own)) as Change;
    expect(p).toMatchObject({ kind: 'change', msg: `remove /etc/apt/trusted.gpg.d/${ED_FPR}.gpg` });
    await p.apply();
    expect(own.commands[1]).toBe(`rm -f -- /etc/apt/trusted.gpg.d/${ED_FPR}.gpg`);
    const both = Buffer.concat([binary, readFileSync(path.join(FIXTURES, 'rsa3072.gpg'))]);
    const shared = host({ trusted: [['/etc/apt/trusted.gpg', both]] });
    const sharedRsa = host({ trusted: [['/etc/apt/trusted.gpg', Buffer.from(rsa)]] });
    expect((await planModule(aptKeyModule, { id: ED_FPR, state: 'absent' }, sharedRsa)).kind).toBe('ok');
    expect(await planModule(aptKeyModule, { id: ED_FPR, state: 'absent' }, shared)).toMatchObject({
      kind: 'failed',
      msg: expect.stringMatching(/is in \/etc\/apt\/trusted\.gpg beside other keys; removing one key from a keyring needs apt-key and gpg/),
    });
    const withTool = host({ aptKey: true, trusted: [['/etc/apt/trusted.gpg', binary]] });
    const del = (await planModule(aptKeyModule, { id: ED_FPR, state: 'absent' }, withTool)) as Change;
    expect(del.msg).toBe(`apt-key del ${ED_FPR.slice(-8)} (from /etc/apt/trusted.gpg)`);
    expect(await planModule(aptKeyModule, { state: 'absent' }, host({}))).toMatchObject({
      kind: 'failed',
      msg: expect.stringMatching(/^key is required/),
    });
  });

  it('check mode: a later task sees the key file an earlier one would write, or remove', async () => {
    const h = host({ key: armored, check: true });
    const args = { id: ED_FPR, url: 'https://example.test/k.asc' };
    expect((await planModule(aptKeyModule, args, h)).kind).toBe('change');
    expect((await planModule(aptKeyModule, args, h)).kind).toBe('ok');
    const there = host({ trusted: [[`/etc/apt/trusted.gpg.d/${ED_FPR}.gpg`, binary]], key: armored, check: true });
    expect((await planModule(aptKeyModule, { id: ED_FPR, state: 'absent' }, there)).kind).toBe('change');
    expect((await planModule(aptKeyModule, { id: ED_FPR, state: 'absent' }, there)).kind).toBe('ok');
    expect((await planModule(aptKeyModule, args, there)).kind).toBe('change');
  });
});
