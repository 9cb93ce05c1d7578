// Two checkouts of the project on one machine share the one artifact server (127.0.0.1:8765). Whichever
// checkout started it, the other recognises it: stops it for real, never forgets it while it holds the
// port, and starts its own afterwards. (Before: a second checkout's stop removed the record and left the
// server running, and every later `lab up` failed with "8765 is taken" and a stack trace.)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { artifactServerStatus, ensureArtifactServer, stopArtifactServer } from '../../lab/artifacts/server.ts';
import { ARTIFACTS_DIR, ARTIFACTS_SERVER_STATE } from '../../lab/paths.ts';
import { ensureArtifacts } from '../../lab/artifacts/build.ts';
import { ROOT, tmpDir } from './support.ts';

// The other checkout: a real clone of this repository, using this checkout's packages.
const clone = path.join(tmpDir(), 'clone');
execFileSync('git', ['clone', '-q', ROOT, clone]);
symlinkSync(path.join(ROOT, 'node_modules'), path.join(clone, 'node_modules'));

/** Runs `lab/artifacts/server.ts`'s `call` from the clone, in its own process, and returns its JSON answer. */
function fromClone(call: 'ensure' | 'stop' | 'status'): { running: boolean; pid: number } {
  const script = `import { ensureArtifactServer, stopArtifactServer, artifactServerStatus } from ${JSON.stringify(path.join(clone, 'lab/artifacts/server.ts'))};
const call = ${JSON.stringify(call)};
if (call === 'ensure') await ensureArtifactServer(${JSON.stringify(ARTIFACTS_DIR)});
if (call === 'stop') await stopArtifactServer();
console.log(JSON.stringify(artifactServerStatus()));`;
  const file = path.join(clone, 'call.mts');
  writeFileSync(file, script);
  const r = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: clone, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { running: boolean; pid: number };
}

/** Whether something accepts connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** Running, not a zombie waiting for its parent to reap it (a stopped detached server may stay one). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

afterAll(async () => {
  // Leave a server of this checkout running, as a lab up would have.
  await ensureArtifactServer(ARTIFACTS_DIR);
});

describe('the artifact server shared by two checkouts', () => {
  it('is stopped by the other checkout, for real, and the port is free again', async () => {
    await ensureArtifacts();
    await stopArtifactServer();
    const theirs = fromClone('ensure');
    expect(theirs.running).toBe(true);
    expect(JSON.parse(readFileSync(ARTIFACTS_SERVER_STATE, 'utf8')).pid).toBe(theirs.pid);
    // This checkout recognises the clone's server as the lab's own…
    expect(artifactServerStatus()).toEqual(expect.objectContaining({ running: true, pid: theirs.pid }));
    // …and stops it: the process is gone, not only the record.
    await stopArtifactServer();
    expect(alive(theirs.pid)).toBe(false);
    expect(existsSync(ARTIFACTS_SERVER_STATE)).toBe(false);
    const ours = await ensureArtifactServer(ARTIFACTS_DIR);
    expect(ours.running).toBe(true);
  });

  it("the other way round: the clone stops this checkout's server and starts its own", async () => {
    const ours = await ensureArtifactServer(ARTIFACTS_DIR);
    expect(fromClone('status')).toEqual(expect.objectContaining({ running: true, pid: ours.pid }));
    const theirs = fromClone('stop');
    expect(theirs.running).toBe(false);
    expect(alive(ours.pid)).toBe(false);
    expect(fromClone('ensure').running).toBe(true);
  });

  it('a port held by something else is a plain error that says how to find it, not a stack trace', async () => {
    await stopArtifactServer();
    const squatter = spawnSync('sh', ['-c', `python3 -m http.server --bind 127.0.0.1 8765 >/dev/null 2>&1 & echo $!`], {
      encoding: 'utf8',
    });
    const pid = Number(squatter.stdout.trim());
    try {
      for (let i = 0; !(await listening(8765)); i++) {
        if (i > 100) throw new Error('the stand-in server on 127.0.0.1:8765 did not start');
        await new Promise((r) => setTimeout(r, 100));
      }
      const r = spawnSync(
        process.execPath,
        ['--import', 'tsx', path.join(ROOT, 'engine/index.ts'), 'lab', 'up', '--name', 'squat', '--nodes', '1'],
        { cwd: ROOT, encoding: 'utf8' },
      );
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/^error: 127\.0\.0\.1:8765 is taken by a process that is not the lab's artifact server .*ss -ltnp/);
      expect(r.stderr).not.toContain('internal error');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      process.kill(pid, 'SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
    }
  });
});
