// lineinfile: Ansible's present/absent rules on lines, and the plan's decisions over a fake host.
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../../../engine/types.ts';
import { parseTemplate, expandTemplate, parseTextFile, textFileCommand } from '../../../../modules/lib/lineEdit.ts';
import { lineinfileModule } from '../../../../modules/lineinfile/index.ts';
import { ensureAbsent, ensurePresent, lineSpec, splitLines } from '../../../../modules/lineinfile/lines.ts';
import type { LineinfileArgs } from '../../../../modules/lineinfile/schema.ts';
import { fakeHost } from '../../../support/fakeHost.ts';

const present = (text: string, args: Omit<LineinfileArgs, 'path'>) =>
  ensurePresent(splitLines(text), lineSpec({ path: '/etc/x.conf', ...args } as LineinfileArgs));
const absent = (text: string, args: Omit<LineinfileArgs, 'path'>) =>
  ensureAbsent(splitLines(text), lineSpec({ path: '/etc/x.conf', ...args } as LineinfileArgs));

/** A fake host whose first command (the file probe) is answered with `probe`. */
const probeHost = (probe: string, check = false) => fakeHost({ check, reply: (_command, { index }) => (index === 0 ? probe : '') });

const plan = (probe: string, args: Record<string, unknown>): Promise<Plan> =>
  planModule(lineinfileModule, { path: '/etc/x.conf', ...args }, probeHost(probe));
const fileProbe = (content: string, mode = '644') =>
  `real=/etc/x.conf\ntype=file\nmode=${mode}\nowner=root\ngroup=root\n@@fleetplay-content@@\n${content}`;

describe('splitLines', () => {
  it('keeps line endings and a last line without one', () => {
    expect(splitLines('a\nb\r\nc')).toEqual(['a\n', 'b\r\n', 'c']);
    expect(splitLines('')).toEqual([]);
    expect(splitLines('\n\n')).toEqual(['\n', '\n']);
  });
});

describe('lineinfile present', () => {
  const selinux = 'SELINUXTYPE=targeted\nSELINUX=permissive\n';

  it('replaces the last line matching regexp, then is idempotent', () => {
    const r = present(selinux, { regexp: '^SELINUX=', line: 'SELINUX=enforcing' });
    expect(r).toEqual({ content: 'SELINUXTYPE=targeted\nSELINUX=enforcing\n', changed: true, msg: 'line replaced' });
    expect(present(r.content, { regexp: '^SELINUX=', line: 'SELINUX=enforcing' }).changed).toBe(false);
  });

  it('replaces the first match with firstmatch, the last without', () => {
    expect(present('a=1\na=2\n', { regexp: '^a=', line: 'a=9' }).content).toBe('a=1\na=9\n');
    expect(present('a=1\na=2\n', { regexp: '^a=', line: 'a=9', firstmatch: true }).content).toBe('a=9\na=2\n');
  });

  it('appends at EOF when nothing matches, adding the missing newline first', () => {
    expect(present('x = 1', { line: 'y = 2' }).content).toBe('x = 1\ny = 2\n');
    expect(present('', { line: 'y = 2' }).content).toBe('y = 2\n');
    expect(present('x = 1\ny = 2\n', { line: 'y = 2' })).toMatchObject({ changed: false, msg: 'line is present' });
  });

  it("Python's $ matches before the line's newline", () => {
    expect(present('port = 80\n', { regexp: '^port = \\d+$', line: 'port = 8080' }).content).toBe('port = 8080\n');
  });

  it('inserts after the last line matching insertafter (the first with firstmatch), never twice', () => {
    const text = '[a]\nk=1\n[a]\nk=2\n';
    expect(present(text, { insertafter: '^\\[a\\]', line: 'new=1' }).content).toBe('[a]\nk=1\n[a]\nnew=1\nk=2\n');
    expect(present(text, { insertafter: '^\\[a\\]', line: 'new=1', firstmatch: true }).content).toBe('[a]\nnew=1\nk=1\n[a]\nk=2\n');
    const once = present(text, { insertafter: '^\\[a\\]', line: 'new=1' }).content;
    expect(present(once, { insertafter: '^\\[a\\]', line: 'new=1' }).changed).toBe(false);
  });

  it('inserts before a match, at BOF, and falls back to EOF when insertafter does not match', () => {
    expect(present('a\nb\n', { insertbefore: '^b', line: 'x' }).content).toBe('a\nx\nb\n');
    expect(present('a\nb\n', { insertbefore: 'BOF', line: 'x' }).content).toBe('x\na\nb\n');
    expect(present('a\nb\n', { insertafter: '^zzz', line: 'x' }).content).toBe('a\nb\nx\n');
    expect(present('a\nb', { insertafter: '^b', line: 'x' }).content).toBe('a\nb\nx\n');
  });

  it('regexp wins over insertafter when it matches', () => {
    expect(present('a\nport=1\n', { regexp: '^port=', insertafter: '^a', line: 'port=2' }).content).toBe('a\nport=2\n');
  });

  it('expands backrefs and does nothing when the regexp does not match', () => {
    const r = present('ExecStart=/usr/bin/dockerd -H fd://\n', {
      regexp: '^ExecStart=(\\S+)( .*)?$',
      line: 'ExecStart=\\1 --debug\\2',
      backrefs: true,
    });
    expect(r.content).toBe('ExecStart=/usr/bin/dockerd --debug -H fd://\n');
    expect(present('nothing\n', { regexp: '^ExecStart=(.*)$', line: '\\1', backrefs: true })).toMatchObject({ changed: false });
  });

  it('search_string matches a literal substring', () => {
    expect(present('a (b) c\n', { search_string: '(b)', line: 'replaced' }).content).toBe('replaced\n');
  });

  it('an empty regexp or search_string matches every line: the last one is replaced, as in Ansible', () => {
    expect(present('1\n2\n3\n', { regexp: '', line: 'six' })).toEqual({ content: '1\n2\nsix\n', changed: true, msg: 'line replaced' });
    expect(present('1\n2\n3\n', { search_string: '', line: 'six' }).content).toBe('1\n2\nsix\n');
    expect(absent('1\n2\n', { regexp: '', state: 'absent' }).content).toBe('');
  });

  it('takes backreferences and lookaround in regexp and insertafter (the backtracking engine)', () => {
    const text = 'REF this is a line for backrefs REF\nother\n';
    expect(present(text, { regexp: '^(REF) .* \\1$', line: 'New line' }).content).toBe('New line\nother\n');
    expect(present(text, { regexp: '^(REF) .* \\1x$', line: 'New line' }).content).toBe(`${text}New line\n`);
    expect(present('[a]\nk=1\n', { insertafter: '^(?=\\[)', line: 'n=1' }).content).toBe('[a]\nn=1\nk=1\n');
    expect(present('a=1 # a\n', { regexp: '^(\\w)=(\\d) # \\1$', line: '\\1=\\g<2>0', backrefs: true }).content).toBe('a=10\n');
  });
});

describe('lineinfile absent', () => {
  it('removes every matching line and counts them', () => {
    expect(absent('%wheel ALL\nroot ALL\n%wheel x\n', { regexp: '^%wheel', state: 'absent' })).toEqual({
      content: 'root ALL\n',
      changed: true,
      msg: '2 line(s) removed',
    });
    expect(absent('a\nb\n', { line: 'c', state: 'absent' }).changed).toBe(false);
    expect(absent('a\r\nb\n', { line: 'a', state: 'absent' }).content).toBe('b\n');
  });
});

describe('lineinfile regexes run in linear time', () => {
  it("matches '^(\\s*\\w+)+\\s*=' against a 64-byte line from the host at once", { timeout: 10_000 }, () => {
    // One word of 63 letters: a backtracking engine tries all 2^62 ways to split it between the repetitions.
    const line = `${'a'.repeat(63)}\n`;
    expect(line.length).toBe(64);
    const regexp = '^(\\s*\\w+)+\\s*=';
    expect(present(line, { regexp, line: 'key = 1' })).toEqual({ content: `${line}key = 1\n`, changed: true, msg: 'line added' });
    expect(present(`${line}a b = 2\n`, { regexp, line: 'key = 1' }).content).toBe(`${line}key = 1\n`);
    expect(absent(`${line}a b = 2\n`, { regexp, state: 'absent' }).content).toBe(line);
  });

  it('expands backrefs from named and numbered groups of the matched line', () => {
    const edit = present('port = 80\n', { regexp: '^(?P<key>\\w+)\\s*=\\s*(\\d+)$', line: '\\g<key> = 8\\2', backrefs: true });
    expect(edit.content).toBe('port = 880\n');
  });

  it('fails the task (for this host only) on a refused pattern, naming the feature', async () => {
    const result = await plan(fileProbe('a\n'), { regexp: '(?>a)b', line: 'x' });
    expect(result).toMatchObject({
      kind: 'failed',
      msg: expect.stringMatching(/^lineinfile: regular expression .* atomic group .* neither RE2/),
    });
  });
});

describe('Python replacement templates', () => {
  it('expands \\1, \\g<1>, \\g<name> and escapes, keeping $ literal', () => {
    const m = /(?<k>\w+)=(\w+)/.exec('key=val')!;
    expect(expandTemplate(parseTemplate('\\2:\\g<1>:\\g<k>:$1:\\n:\\\\'), [...m], m.groups)).toBe('val:key:key:$1:\n:\\');
    expect(() => expandTemplate(parseTemplate('\\3'), [...m], m.groups)).toThrow(/invalid group reference 3/);
    expect(() => parseTemplate('\\q')).toThrow(/bad escape/);
  });
});

describe('the file probe', () => {
  it('parses type, attributes and content (which may hold anything)', () => {
    expect(parseTextFile(fileProbe('a=1\n@@fleetplay-content@@\n', '600'), '/etc/x.conf')).toEqual({
      type: 'file',
      path: '/etc/x.conf',
      mode: '0600',
      owner: 'root',
      group: 'root',
      content: 'a=1\n@@fleetplay-content@@\n',
    });
    expect(parseTextFile('real=/a/b\ntype=absent\nparent=no\n', '/a/b')).toEqual({ type: 'absent', path: '/a/b', parentExists: false });
    expect(textFileCommand("/etc/it's")).toContain(`p='/etc/it'\\''s'`);
  });
});

describe('lineinfile plan', () => {
  const plan = (probe: string, args: Record<string, unknown>, check = false) => {
    const host = probeHost(probe, check);
    return { result: planModule(lineinfileModule, { path: '/etc/x.conf', ...args }, host), commands: host.commands };
  };

  it("warns, in Ansible's words, that an empty regexp or search_string matches every line", async () => {
    const changed = (await plan(fileProbe('a\nb\n'), { regexp: '', line: 'c' }).result) as Extract<Plan, { kind: 'change' }>;
    expect(changed.data?.warnings).toEqual([
      'The regular expression is an empty string, which will match every line in the file. This may have unintended consequences, ' +
        "such as replacing the last line in the file rather than appending. If this is desired, use '^' to match every line in the file and avoid this warning.",
    ]);
    expect((await changed.apply()).data?.warnings).toEqual(changed.data?.warnings);
    const ok = await plan(fileProbe('a\nc\n'), { search_string: '', line: 'c' }).result;
    expect(ok).toMatchObject({ kind: 'ok' });
    expect(ok.data?.warnings).toEqual([
      'The search string is an empty string, which will match every line in the file. This may have unintended consequences, ' +
        'such as replacing the last line in the file rather than appending.',
    ]);
    expect((await plan(fileProbe('a\n'), { regexp: '^', line: 'c' }).result).data?.warnings).toBeUndefined();
  });

  it("returns Ansible's diff field (content and attribute headers) when it succeeds, and none when it fails", async () => {
    const headers = [
      { before: '', after: '', before_header: '/etc/x.conf (content)', after_header: '/etc/x.conf (content)' },
      { before_header: '/etc/x.conf (file attributes)', after_header: '/etc/x.conf (file attributes)' },
    ];
    expect((await plan(fileProbe('a\n'), { line: 'a' }).result).data?.diff).toEqual(headers);
    const changed = (await plan(fileProbe('a\n'), { line: 'b' }).result) as Extract<Plan, { kind: 'change' }>;
    expect((await changed.apply()).data?.diff).toEqual(headers);
    const missing = await plan('real=/etc/x.conf\ntype=absent\nparent=yes\n', { line: 'b' }).result;
    expect(missing).toMatchObject({ kind: 'failed' });
    expect(missing.data?.diff).toBeUndefined();
  });

  it('costs one round trip when nothing changes', async () => {
    const p = plan(fileProbe('a=1\n'), { line: 'a=1' });
    expect(await p.result).toMatchObject({ kind: 'ok', msg: 'line is present in /etc/x.conf' });
    expect(p.commands).toHaveLength(1);
  });

  it('plans a content diff and writes through the atomic writer', async () => {
    const p = plan(fileProbe('a=1\n'), { regexp: '^a=', line: 'a=2' });
    const result = (await p.result) as Extract<Plan, { kind: 'change' }>;
    expect(result).toMatchObject({
      kind: 'change',
      msg: 'line replaced',
      diff: [{ header: '/etc/x.conf', before: 'a=1\n', after: 'a=2\n' }],
    });
    expect(await result.apply()).toMatchObject({ kind: 'changed' });
    expect(p.commands[1]).toContain('mktemp');
    expect(p.commands[1]).toContain('mv -f --');
  });

  it('fails on a missing file without create, and is ok removing from a missing file', async () => {
    expect(await plan('real=/etc/x.conf\ntype=absent\nparent=yes\n', { line: 'a' }).result).toMatchObject({ kind: 'failed' });
    expect(await plan('real=/etc/x.conf\ntype=absent\nparent=yes\n', { line: 'a', state: 'absent' }).result).toMatchObject({ kind: 'ok' });
  });

  it('check mode: a missing file after a task check mode cannot predict is unknown, not failed', async () => {
    const missing = 'real=/etc/x.conf\ntype=absent\nparent=yes\n';
    const after = probeHost(missing, true);
    after.predicted.markOpaque('Get defaults from containerd.');
    expect(await planModule(lineinfileModule, { path: '/etc/x.conf', line: 'a' }, after)).toMatchObject({
      kind: 'unknown',
      msg: "/etc/x.conf does not exist now, but 'Get defaults from containerd.', whose effects check mode cannot predict, runs first and may create it, so the outcome is unknown",
    });
    // With no such task before it, check mode fails as the real run would.
    expect(await planModule(lineinfileModule, { path: '/etc/x.conf', line: 'a' }, probeHost(missing, true))).toMatchObject({
      kind: 'failed',
    });
  });

  it('reports attribute drift alone as a change', async () => {
    const result = await plan(fileProbe('a=1\n', '644'), { line: 'a=1', mode: '0600' }).result;
    expect(result).toMatchObject({ kind: 'change', diff: [{ header: 'mode of /etc/x.conf', before: '0644', after: '0600' }] });
  });

  it('turns a bad regex into a failed result', async () => {
    expect(await plan(fileProbe('a\n'), { regexp: '(', line: 'x' }).result).toMatchObject({
      kind: 'failed',
      msg: expect.stringMatching(/invalid regular expression/),
    });
  });
});
