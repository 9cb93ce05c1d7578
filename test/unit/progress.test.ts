// engine/output/progress.ts: the live status area. Its lines from a state, how it wraps the console's
// output (erased before each block, drawn after), and a real run on a pseudo-terminal (`script`), where it
// appears, against a pipe and with --no-progress, where it does not.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { clock, newProgressState, statusLines, withProgress } from '../../engine/output/progress.ts';
import type { RunEvents, TaskResult } from '../../engine/types.ts';

const ROOT = path.join(import.meta.dirname, '../..');

function result(host: string, status: TaskResult['status']): TaskResult {
  return { host, play: 'p', task: 't', module: 'command', status, durationMs: 1, msg: '' };
}

describe('statusLines', () => {
  it('says where the run is, how many hosts are done, running, failed and unreachable, and whom it waits on', () => {
    const s = newProgressState(0);
    Object.assign(s, { play: 'Migrate', batch: { index: 2, count: 3 }, task: 'Download containerd', taskStartedAt: 60_000 });
    s.hosts = ['n1', 'n2', 'n3', 'n4', 'n5'];
    s.failed.add('n2');
    s.unreachable.add('n5');
    s.reported.add('n1');
    expect(statusLines(s, 68_250, 200)).toEqual([
      '── PLAY [Migrate] · batch 2/3 · TASK [Download containerd] ── 1:08',
      '   1 done · 2 running · 1 failed · 1 unreachable · waiting on n3 for 8.3 s (Download containerd) and 1 more',
    ]);
  });

  it('never wraps: a line longer than the terminal is cut with an ellipsis', () => {
    const s = newProgressState(0);
    s.task = 'x'.repeat(300);
    for (const line of statusLines(s, 1000, 40)) expect(line.length).toBeLessThanOrEqual(39);
  });

  it('clock counts minutes and hours', () => {
    expect([clock(0), clock(59_999), clock(61_000), clock(3_725_000)]).toEqual(['0:00', '0:59', '1:01', '1:02:05']);
  });
});

describe('withProgress', () => {
  it('erases the area before each block of output and draws it after; stop() leaves no area', () => {
    const out: string[] = [];
    const inner: RunEvents = {
      playStart: (p) => out.push(`[play ${p.name}]`),
      taskStart: (t) => out.push(`[task ${t.title}]`),
      result: (r) => out.push(`[${r.status} ${r.host}]`),
    };
    let t = 0;
    const live = withProgress(inner, {
      write: (s) => out.push(s),
      control: (s) => out.push(`<ctl ${JSON.stringify(s)}>`),
      columns: () => 120,
      now: () => t,
      refreshMs: 60_000,
    });
    live.events.playStart({ name: 'P', hosts: ['a', 'b'] });
    live.events.taskStart({ title: 'T', handler: false });
    t = 1500;
    live.events.result(result('a', 'changed'));
    live.stop();
    const erase = '<ctl "\\r\\u001b[2A\\u001b[J">';
    expect(out[0]).toBe('[play P]');
    expect(out[1]).toMatch(
      /^\x1b\[2m── PLAY \[P\] ── 0:00\n {3}0 done · 2 running · 0 failed · 0 unreachable · waiting on a for 0\.0 s and 1 more\x1b\[22m\n$/,
    );
    expect(out.slice(2, 4)).toEqual([erase, '[task T]']);
    expect(out.slice(5, 7)).toEqual([erase, '[changed a]']);
    expect(out[7]).toContain('1 done · 1 running · 0 failed · 0 unreachable · waiting on b for 1.5 s (T)');
    expect(out.slice(8)).toEqual([erase]);
  });
});

describe('on a real terminal', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'progress-'));
  writeFileSync(path.join(dir, 'inv'), '[local]\nlocalhost ansible_connection=local\n');
  writeFileSync(
    path.join(dir, 'play.yml'),
    '- hosts: local\n  gather_facts: false\n  tasks:\n    - name: Wait a moment\n      command: sleep 0.6\n',
  );
  const engine = `${process.execPath} ${path.join(ROOT, 'node_modules/tsx/dist/cli.mjs')} ${path.join(ROOT, 'engine/index.ts')} run play.yml -i inv`;
  // `script` gives the command a pseudo-terminal, as an operator's shell does.
  const onTty = (extra: string) =>
    spawnSync('script', ['-qfec', `stty cols 200; ${engine} ${extra}`, '/dev/null'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, TERM: 'xterm' },
    }).stdout;

  it('draws the status area and erases it for the recap', () => {
    const out = onTty('');
    expect(out).toContain('── PLAY [local] · TASK [Wait a moment] ──');
    expect(out).toMatch(/0 done · 1 running · 0 failed · 0 unreachable · waiting on localhost for 0\.\d s \(Wait a moment\)/);
    expect(out).toContain('\r\x1b[2A\x1b[J');
    expect(out).toMatch(/\x1b\[J\r?\n[^\n]*PLAY RECAP/);
  });

  it('stays away with --no-progress, and when the output is a pipe', () => {
    expect(onTty('--no-progress')).not.toMatch(/──|\x1b\[2A/);
    const piped = spawnSync('sh', ['-c', engine], { cwd: dir, encoding: 'utf8' }).stdout;
    expect(piped).toContain('PLAY RECAP');
    expect(piped).not.toMatch(/──|\x1b\[/);
  });
});
