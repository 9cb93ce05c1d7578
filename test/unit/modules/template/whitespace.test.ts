// template's trim_blocks, lstrip_blocks and newline_sequence, rendered by the real Jinja engine.
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { renderJinja } from '../../../../engine/jinja/index.ts';
import { templateModule } from '../../../../modules/template/index.ts';
import { fakeHost } from '../../../support/fakeHost.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-template-ws-'));
const src = path.join(dir, 'ws.j2');
writeFileSync(src, 'a\n    {% if x %}\nb\n    {% endif %}\nc\n');
writeFileSync(path.join(dir, 'part.j2'), '  {% if x %}\np\n  {% endif %}\n');
const withInclude = path.join(dir, 'inc.j2');
writeFileSync(withInclude, "{% include 'part.j2' %}\n");

/** The rendered content a task would write (dest is missing; its directory exists). */
async function rendered(args: Record<string, unknown>): Promise<string> {
  let stubRenders = 0;
  const h = fakeHost({
    vars: { x: true },
    reply: (c) => (c.includes('/etc/out') ? 'type=absent\n' : 'type=directory\nmode=755\nowner=root\ngroup=root\n'),
    // The task's renderer, as the engine's: Jinja with Ansible's defaults.
    renderFile: (text, file) => {
      stubRenders++;
      return renderJinja(text, { x: true }, file);
    },
  });
  const plan = await planModule(templateModule, { dest: '/etc/out', ...args }, h);
  if (plan.kind !== 'change') throw new Error(plan.msg);
  const after = plan.diff?.[0]?.after ?? '';
  return `${stubRenders}:${after}`;
}

describe('template whitespace options', () => {
  it("renders with Ansible's defaults through the task's renderer", async () => {
    expect(await rendered({ src })).toBe('1:a\n    b\n    c\n');
    expect(await rendered({ src, trim_blocks: true, lstrip_blocks: false })).toBe('1:a\n    b\n    c\n');
  });

  it('strips the blanks before a block tag with lstrip_blocks, keeps the newline after it without trim_blocks', async () => {
    expect(await rendered({ src, lstrip_blocks: true })).toBe('0:a\nb\nc\n');
    expect(await rendered({ src, trim_blocks: false })).toBe('0:a\n    \nb\n    \nc\n');
    expect(await rendered({ src, trim_blocks: false, lstrip_blocks: true })).toBe('0:a\n\nb\n\nc\n');
  });

  it('applies them to included templates, found beside the task template', async () => {
    expect(await rendered({ src: withInclude, lstrip_blocks: true })).toBe('0:p\n');
  });

  it('writes newline_sequence for the newlines of the result, the trailing ones too', async () => {
    expect(await rendered({ src, newline_sequence: '\n' })).toBe('1:a\n    b\n    c\n');
    expect(await rendered({ src, newline_sequence: '\r\n' })).toBe('1:a\r\n    b\r\n    c\r\n');
    expect(await rendered({ src, newline_sequence: '\r', lstrip_blocks: true })).toBe('0:a\rb\rc\r');
  });

  it("takes newline_sequence's escaped spellings as Ansible does ('\\r\\n' written in single quotes)", async () => {
    expect(await rendered({ src, newline_sequence: '\\r\\n' })).toBe('1:a\r\n    b\r\n    c\r\n');
    expect(await rendered({ src, newline_sequence: '\\n' })).toBe('1:a\n    b\n    c\n');
  });

  it('renders with the task delimiters, the others left as text', async () => {
    const custom = path.join(dir, 'custom.j2');
    writeFileSync(custom, 'v=<< x >> {{ x }}\n[# note #]\nend\n');
    const d = { variable_start_string: '<<', variable_end_string: '>>', comment_start_string: '[#', comment_end_string: '#]' };
    expect(await rendered({ src: custom, ...d })).toBe('0:v=True {{ x }}\nend\n');
  });

  it('gives dest the src mode with mode: preserve', async () => {
    const moded = path.join(dir, 'moded.j2');
    writeFileSync(moded, 'm\n', { mode: 0o640 });
    chmodSync(moded, 0o547);
    const h = fakeHost({
      reply: (c) => (c.includes('/etc/out') ? 'type=absent\n' : 'type=directory\nmode=755\nowner=root\ngroup=root\n'),
      renderFile: (text) => text,
    });
    const plan = await planModule(templateModule, { dest: '/etc/out', src: moded, mode: 'preserve' }, h);
    expect(plan.kind).toBe('change');
    expect(JSON.stringify(plan)).toContain('0547');
  });

  it("puts the file under the src's name in a directory dest, and gives Ansible's SHA1 checksum and MD5", async () => {
    const h = fakeHost({
      reply: (c) => (c.includes('/srv/dir/ws.j2') ? 'type=absent\n' : 'type=directory\nmode=755\nowner=root\ngroup=root\n'),
      renderFile: () => 'hello\n',
    });
    const plan = await planModule(templateModule, { dest: '/srv/dir/', src }, h);
    if (plan.kind !== 'change') throw new Error(`expected a change, got ${plan.kind}`);
    expect(plan.diff?.[0]?.header).toContain('/srv/dir/ws.j2');
    expect(plan.data).toMatchObject({ checksum: 'f572d396fae9206628714fb2ce00f72e94f2258f', md5sum: 'b1946ac92492d2347c6235b4d2611184' });
  });

  it("takes an empty output_encoding as the default, as Ansible's template action", async () => {
    expect(await rendered({ src, output_encoding: '' })).toBe('1:a\n    b\n    c\n');
  });
});
