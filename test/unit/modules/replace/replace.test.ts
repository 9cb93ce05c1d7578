// replace: Ansible's re.subn with re.MULTILINE, after/before sections, and Python replacement templates.
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { describe, expect, it } from 'vitest';
import { replaceModule, replaceText } from '../../../../modules/replace/index.ts';
import { fakeHost } from '../../../support/fakeHost.ts';

const config = [
  'version = 2',
  '[plugins."io.containerd.grpc.v1.cri"]',
  '  sandbox_image = "registry.k8s.io/pause:3.6"',
  '    SystemdCgroup = false',
  '[plugins.other]',
  '  image = "registry.k8s.io/pause:3.6"',
  '',
].join('\n');

describe('replaceText', () => {
  it('replaces every match, line by line (^ and $ are per line)', () => {
    const r = replaceText('a = 1\nb = 1\n', { regexp: '= 1$', replace: '= 2' });
    expect(r).toEqual({ content: 'a = 2\nb = 2\n', changed: true, msg: '2 replacements made' });
    expect(replaceText(r.content, { regexp: '= 1$', replace: '= 2' })).toMatchObject({ changed: false, msg: 'pattern did not match' });
  });

  it('expands \\1, \\g<1> and named groups and keeps $ literal', () => {
    expect(replaceText(config, { regexp: '^(\\s*)SystemdCgroup = false$', replace: '\\g<1>SystemdCgroup = true' }).content).toContain(
      '\n    SystemdCgroup = true\n',
    );
    expect(replaceText('k=v\n', { regexp: '^(?P<key>\\w+)=(\\w+)$', replace: '\\2=\\g<key> $1 $$' }).content).toBe('v=k $1 $$\n');
  });

  it('limits the replacement to the section between after and before', () => {
    const r = replaceText(config, {
      after: '\\[plugins\\."io\\.containerd\\.grpc\\.v1\\.cri"\\]',
      before: '\\[plugins\\.other\\]',
      regexp: 'registry\\.k8s\\.io',
      replace: 'registry.local',
    });
    expect(r.msg).toBe('1 replacements made');
    expect(r.content).toContain('sandbox_image = "registry.local/pause:3.6"');
    expect(r.content).toContain('  image = "registry.k8s.io/pause:3.6"');
    expect(replaceText(config, { after: '^version', regexp: 'pause', replace: 'p' }).msg).toBe('2 replacements made');
    expect(replaceText(config, { before: 'SystemdCgroup', regexp: 'pause', replace: 'p' }).msg).toBe('1 replacements made');
  });

  it("reports a section that does not match as no change, in Ansible's words with the pattern it built", () => {
    expect(replaceText(config, { after: 'nothing-like-this', regexp: 'x', replace: 'y' })).toEqual({
      content: config,
      changed: false,
      msg: 'Pattern for before/after params did not match the given file: nothing-like-this(?P<subsection>.*)',
      exits: true,
    });
    expect(replaceText('b\na\n', { after: 'a', before: 'b', regexp: 'x', replace: '\\D' }).msg).toBe(
      'Pattern for before/after params did not match the given file: a(?P<subsection>.*?)b',
    );
  });

  it('reports a bad replacement as Ansible reports re.error from re.subn', () => {
    expect(() => replaceText('a.b\n', { regexp: '\\.', replace: '\\D' })).toThrow(
      expect.objectContaining({ name: 'ReplaceFailure', message: 'Unable to process replace due to error: bad escape \\D at position 0' }),
    );
  });

  it('takes backreferences and lookaround in regexp, after and before (the backtracking engine)', () => {
    expect(replaceText('a a b\nc c\n', { regexp: '\\b(\\w) \\1\\b', replace: '\\1' }).content).toBe('a b\nc\n');
    expect(replaceText('x=1\n[s]\nx=1\n', { after: '(?<=\\[)s\\]', regexp: '(?<=x=)1', replace: '2' }).content).toBe('x=1\n[s]\nx=2\n');
  });

  it('counts no change when the replacement equals the match', () => {
    expect(replaceText('a\n', { regexp: 'a', replace: 'a' })).toMatchObject({ changed: false });
  });

  it('replaces empty matches like Python 3.7+', () => {
    expect(replaceText('abxd', { regexp: 'x*', replace: '-' }).content).toBe('-a-b--d-');
  });

  it('runs a backtracking pattern over a long line at once', { timeout: 10_000 }, () => {
    const line = `${'a'.repeat(5000)}\n`;
    expect(replaceText(line, { regexp: '^(\\s*\\w+)+\\s*=', replace: '' })).toMatchObject({ changed: false, msg: 'pattern did not match' });
    // As in Python, \s crosses line ends: the match runs from the first line to the '='.
    expect(replaceText(`${line}a b = 1\n`, { regexp: '^(\\s*\\w+)+\\s*=', replace: '\\1:' }).content).toBe(' b: 1\n');
  });

  it('throws on refused features as an arguments error', () => {
    expect(() => replaceText('a', { regexp: 'a*+', replace: '' })).toThrow(
      expect.objectContaining({ kind: 'arguments', message: expect.stringMatching(/possessive/) }),
    );
  });

  it('throws on bad patterns and bad templates', () => {
    expect(() => replaceText('a', { regexp: '(', replace: '' })).toThrow(/invalid regular expression/);
    expect(() => replaceText('a', { regexp: '(a)', replace: '\\2' })).toThrow(/invalid group reference/);
  });
});

describe('replace plan', () => {
  const host = (probe: string) => fakeHost({ check: true, reply: probe });
  const probe = (content: string) => `real=/etc/c.toml\ntype=file\nmode=644\nowner=root\ngroup=root\n@@fleetplay-content@@\n${content}`;

  it('is one round trip when nothing matches, and a content diff otherwise', async () => {
    const h = host(probe('a = 1\n'));
    expect(await planModule(replaceModule, { path: '/etc/c.toml', regexp: 'zzz', replace: 'y' }, h)).toMatchObject({ kind: 'ok' });
    expect(h.commands).toHaveLength(1);
    expect(await planModule(replaceModule, { path: '/etc/c.toml', regexp: '1', replace: '2' }, h)).toMatchObject({
      kind: 'change',
      msg: '1 replacements made',
      diff: [{ header: '/etc/c.toml', before: 'a = 1\n', after: 'a = 2\n' }],
    });
  });

  it('judges the template of a task on a device (Ansible reads it) before refusing to edit it', async () => {
    const device = host('real=/dev/null\ntype=other\n');
    expect(await planModule(replaceModule, { path: '/dev/null', regexp: '\\.', replace: '\\D' }, device)).toMatchObject({
      kind: 'failed',
      msg: 'Unable to process replace due to error: bad escape \\D at position 0',
    });
  });

  it("stops when after/before match nothing, with Ansible's message as it is and no attribute change", async () => {
    const h = host(probe('a = 1\n'));
    expect(await planModule(replaceModule, { path: '/etc/c.toml', after: 'zzz', regexp: '1', mode: '0600' }, h)).toEqual({
      kind: 'ok',
      msg: 'Pattern for before/after params did not match the given file: zzz(?P<subsection>.*)',
      data: { path: '/etc/c.toml' },
    });
  });

  it('fails on a missing file', async () => {
    const h = host('real=/etc/c.toml\ntype=absent\nparent=yes\n');
    expect(await planModule(replaceModule, { path: '/etc/c.toml', regexp: 'a' }, h)).toMatchObject({
      kind: 'failed',
      msg: 'Path /etc/c.toml does not exist !',
    });
  });
});
