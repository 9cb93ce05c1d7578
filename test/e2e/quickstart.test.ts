// The README's first quick-start command, as a user runs it: lab/quickstart.sh installs what is
// missing, boots the default 3-node lab (inventory/kube) and runs the main playbook, --check first and
// then for real. A second apply through inventory/kube then changes nothing.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, labStatus } from '../../lab/index.ts';
import { ROOT, engine } from './support.ts';

let wasUp = false;

beforeAll(async () => {
  // A default lab the user already had is used as it is, and left up.
  wasUp = (await labStatus({ name: 'kube' }))?.running.some(Boolean) ?? false;
});

afterAll(async () => {
  if (!wasUp) await labDown({ name: 'kube' });
});

function quickstart(): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', [path.join(ROOT, 'lab/quickstart.sh')], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('quick start', () => {
  it('lab/quickstart.sh boots the default lab and migrates it: check, then apply', async () => {
    const r = await quickstart();
    expect(r.code, r.out).toBe(0);
    const [check, apply] = r.out.split('== apply ==');
    expect(check).toContain('== check: what would change ==');
    expect(check).toMatch(/PLAN \(what the real run would do\)/);
    for (const n of ['node1', 'node2', 'node3'])
      expect(apply).toMatch(new RegExp(`^${n}\\s+: ok=\\d+\\s+changed=\\d+\\s+unreachable=0\\s+failed=0`, 'm'));
  });

  it('a second apply on inventory/kube reports 0 changed', async () => {
    const r = await engine(['run', 'playbooks/containerd.yml', '-i', 'inventory/kube'], { withReport: true });
    expect(r.code, r.stdout).toBe(0);
    for (const n of ['node1', 'node2', 'node3']) expect(r.report!.recap[n]).toMatchObject({ changed: 0, failed: 0, unreachable: 0 });
  });
});
