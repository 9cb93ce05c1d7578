// The timezone module (modules/timezone/) on a fake host: what it reads, decides, writes and predicts.
import { describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { createPredictedState } from '../../../../engine/executor/predicted.ts';
import { checkSchema } from '../../../../engine/playbook/schemaCheck.ts';
import { timezoneModule } from '../../../../modules/timezone/index.ts';
import { fakeHost } from '../../../support/fakeHost.ts';

const host = (link: string, file: string, known = true) => `${link}\n--\n${file}\n--\n${known ? 'known\n' : ''}`;

describe('timezone', () => {
  it('is ok when the link and /etc/timezone both name the zone, with one read', async () => {
    const ctx = fakeHost({ reply: host('/usr/share/zoneinfo/Europe/Berlin', 'Europe/Berlin') });
    const p = await planModule(timezoneModule, { name: 'Europe/Berlin' }, ctx);
    expect(p).toMatchObject({ kind: 'ok', msg: 'the time zone is Europe/Berlin' });
    expect(ctx.commands).toHaveLength(1);
  });

  it('plans a change with a diff and a summary, and writes the link and the file atomically', async () => {
    const ctx = fakeHost({ reply: host('/usr/share/zoneinfo/Etc/UTC', 'Etc/UTC') });
    const p = await planModule(timezoneModule, { name: 'Europe/Berlin' }, ctx);
    expect(p.kind).toBe('change');
    if (p.kind !== 'change') return;
    expect(p.summary).toEqual([{ verb: 'set', object: 'the time zone', named: true }]);
    expect(p.diff).toEqual([{ header: 'time zone', before: 'Etc/UTC\n', after: 'Europe/Berlin\n' }]);
    expect(await p.apply()).toMatchObject({ kind: 'changed' });
    const [, link, write] = ctx.calls;
    expect(link?.command).toMatch(/ln -s -- '?\/usr\/share\/zoneinfo\/Europe\/Berlin'? "\$tmp"/);
    expect(link?.command).toContain('mv -fT -- "$tmp" /etc/localtime');
    expect(write?.stdin).toBe('Europe/Berlin\n');
    expect(write?.command).toContain('mv -f -- "$tmp"');
  });

  it('changes a host whose /etc/timezone disagrees with its link', async () => {
    const ctx = fakeHost({ reply: host('../usr/share/zoneinfo/Europe/Berlin', 'Etc/UTC') });
    expect((await planModule(timezoneModule, { name: 'Europe/Berlin' }, ctx)).kind).toBe('change');
  });

  it('fails on a zone the host has no data for, in check mode as in the real run, and writes nothing', async () => {
    for (const check of [false, true]) {
      const ctx = fakeHost({ check, reply: host('/usr/share/zoneinfo/Etc/UTC', 'Etc/UTC', false) });
      const p = await planModule(timezoneModule, { name: 'Mars/Olympus' }, ctx);
      expect(p).toMatchObject({ kind: 'failed' });
      expect(p.msg).toContain("unknown time zone 'Mars/Olympus'");
      expect(ctx.commands).toHaveLength(1);
    }
  });

  it('check mode: a later task sees the zone an earlier one would set, and nothing is written', async () => {
    const predicted = createPredictedState();
    const ctx = fakeHost({ check: true, predicted, reply: host('/usr/share/zoneinfo/Etc/UTC', 'Etc/UTC') });
    expect((await planModule(timezoneModule, { name: 'Asia/Tokyo' }, ctx)).kind).toBe('change');
    expect(predicted.file('/etc/localtime')).toEqual({ type: 'link', target: '/usr/share/zoneinfo/Asia/Tokyo' });
    expect((await planModule(timezoneModule, { name: 'Asia/Tokyo' }, ctx)).kind).toBe('ok');
    expect(ctx.commands.every((c) => c.startsWith('readlink'))).toBe(true);
  });

  it('refuses names a path or a shell could misread, before anything runs', () => {
    for (const bad of ['../../etc/shadow', 'Europe/../../x', '-rf', 'UTC; reboot', '/etc/passwd', 'Europe/Ber lin']) {
      expect(checkSchema(timezoneModule.schema, { name: bad }, "module 'timezone'"), bad).not.toEqual([]);
    }
    for (const good of ['UTC', 'Europe/Berlin', 'America/Port-au-Prince', 'Etc/GMT+5', 'America/Argentina/Buenos_Aires']) {
      expect(checkSchema(timezoneModule.schema, { name: good }, "module 'timezone'"), good).toEqual([]);
    }
  });
});
