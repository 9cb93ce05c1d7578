// End-to-end test of the lab's release-artifact server: a node downloads the upstream-shaped containerd, runc and
// CNI artifacts over 127.0.0.1, verifies their checksums and runs the binaries; the tarballs rebuild byte-identically.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ARTIFACTS_URL,
  artifactLayout,
  artifactRequests,
  artifactServerStatus,
  buildArtifacts,
  ensureArtifacts,
  labDown,
  labUp,
  type ArtifactSet,
  type LabState,
} from '../../lab/index.ts';
import { withLock } from '../../lab/lock.ts';
import { LABS_LOCK_FILE } from '../../lab/paths.ts';
import { labNames, readState } from '../../lab/state.ts';
import { onNode } from './support.ts';

const LAB = { name: 'art', nodes: 1, image: 'legacy', first: 61 } as const;
const NODE = 'art-1';
const EXPECTED = { containerd: ['1.6.20', '1.7.24'], runc: '1.1.5', cni: '1.1.1' };

/** Runs a script on the node and fails the test with its output when it exits non-zero. */
function nodeScript(state: LabState, script: string): string {
  const r = onNode(state, NODE, `set -eu\n${script}`);
  if (r.code !== 0) throw new Error(`node script exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Lines of `tar -tv` for a gzip tarball on the host, as "mode owner name". */
function tarListing(file: string): string[] {
  const r = spawnSync('tar', ['--numeric-owner', '-tvzf', file], { encoding: 'utf8' });
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => {
      const f = l.split(/\s+/);
      return `${f[0]} ${f[1]} ${f[5]}`;
    });
}

describe.skipIf(process.getuid?.() !== 0)('lab artifacts (1 legacy node at 127.0.1.61)', () => {
  let state: LabState;
  let artifacts: ArtifactSet;
  const layout = artifactLayout;

  beforeAll(async () => {
    await labDown({ name: LAB.name });
    state = await labUp({ ...LAB, log: (line) => console.log(`[lab] ${line}`) });
    artifacts = await ensureArtifacts();
  }, 1_800_000);

  afterAll(async () => {
    await labDown({ name: LAB.name });
  }, 120_000);

  it('builds the Debian versions, mapped to upstream version strings', () => {
    expect(artifacts.versions).toEqual(EXPECTED);
  });

  it('serves from one detached server bound to 127.0.0.1 only', () => {
    const status = artifactServerStatus();
    expect(status).toEqual({ running: true, pid: status.pid, url: ARTIFACTS_URL });
    expect(ARTIFACTS_URL).toBe('http://127.0.0.1:8765');
    const listeners = spawnSync('ss', ['-ltnH', 'sport = :8765'], { encoding: 'utf8' }).stdout.trim().split('\n');
    expect(listeners.map((l) => l.split(/\s+/)[3])).toEqual(['127.0.0.1:8765']);
  });

  it('lays out the tarballs like upstream: bin/ for containerd, plugins at the top for CNI, root-owned 0755', () => {
    for (const v of EXPECTED.containerd) {
      const entries = tarListing(path.join(artifacts.dir, layout.containerdTarball(v)));
      expect(entries).toEqual([
        'drwxr-xr-x 0/0 bin/',
        '-rwxr-xr-x 0/0 bin/containerd',
        '-rwxr-xr-x 0/0 bin/containerd-shim',
        '-rwxr-xr-x 0/0 bin/containerd-shim-runc-v1',
        '-rwxr-xr-x 0/0 bin/containerd-shim-runc-v2',
        '-rwxr-xr-x 0/0 bin/ctr',
      ]);
    }
    const cni = tarListing(path.join(artifacts.dir, layout.cniTarball(EXPECTED.cni)));
    expect(cni[0]).toBe('drwxr-xr-x 0/0 ./');
    for (const plugin of ['bridge', 'host-local', 'loopback', 'portmap']) expect(cni).toContain(`-rwxr-xr-x 0/0 ./${plugin}`);
    const unit = readFileSync(path.join(artifacts.dir, layout.containerdUnit()), 'utf8');
    for (const line of ['ExecStart=/usr/local/bin/containerd', 'Type=notify', 'Delegate=yes', 'KillMode=process', 'OOMScoreAdjust=-999']) {
      expect(unit).toContain(`\n${line}\n`);
    }
  });

  it('lets a node download every artifact with curl and verify it with sha256sum -c', () => {
    const before = artifactRequests().length;
    const files = [
      ...EXPECTED.containerd.flatMap((v) => [layout.containerdTarball(v), layout.containerdSha256sum(v)]),
      layout.runcBinary(EXPECTED.runc),
      layout.runcSha256sum(EXPECTED.runc),
      layout.cniTarball(EXPECTED.cni),
      layout.cniSha256(EXPECTED.cni),
      layout.cniSha256sum(EXPECTED.cni),
      layout.containerdUnit(),
    ];
    const out = nodeScript(
      state,
      [
        'rm -rf /tmp/art && mkdir -p /tmp/art',
        ...files.map((f) => `mkdir -p /tmp/art/${path.dirname(f)} && curl -fsS -o /tmp/art/${f} ${ARTIFACTS_URL}/${f}`),
        ...EXPECTED.containerd.map((v) => `(cd /tmp/art/containerd/v${v} && sha256sum -c containerd-${v}-linux-amd64.tar.gz.sha256sum)`),
        `(cd /tmp/art/runc/v${EXPECTED.runc} && sha256sum -c runc.sha256sum)`,
        `(cd /tmp/art/cni/v${EXPECTED.cni} && sha256sum -c cni-plugins-linux-amd64-v${EXPECTED.cni}.tgz.sha256 && sha256sum -c cni-plugins-linux-amd64-v${EXPECTED.cni}.tgz.sha256sum)`,
      ].join('\n'),
    );
    expect(out.trim().split('\n').sort()).toEqual(
      [
        `cni-plugins-linux-amd64-v${EXPECTED.cni}.tgz: OK`,
        `cni-plugins-linux-amd64-v${EXPECTED.cni}.tgz: OK`,
        ...EXPECTED.containerd.map((v) => `containerd-${v}-linux-amd64.tar.gz: OK`),
        'runc.amd64: OK',
      ].sort(),
    );
    // Other tests may use the shared server at the same time; each of our downloads must be in the log.
    const served = artifactRequests()
      .slice(before)
      .map((r) => `${r.method} ${r.path} ${r.status}`);
    expect(served).toEqual(expect.arrayContaining(files.map((f) => `GET /${f} 200`)));
  });

  it('answers HEAD with the Content-Length of the file', () => {
    const tarball = layout.containerdTarball('1.7.24');
    const out = nodeScript(state, `curl -fsSI ${ARTIFACTS_URL}/${tarball}`);
    const size = spawnSync('stat', ['-c', '%s', path.join(artifacts.dir, tarball)], { encoding: 'utf8' }).stdout.trim();
    expect(out).toMatch(new RegExp(`^content-length: ${size}\\r?$`, 'im'));
  });

  it('ships binaries that run on the node: containerd 1.6.20 and 1.7.24, runc 1.1.5, CNI bridge', () => {
    const out = nodeScript(
      state,
      [
        ...EXPECTED.containerd.map((v) =>
          [
            `d=$(mktemp -d) && tar -C "$d" -xzf /tmp/art/containerd/v${v}/containerd-${v}-linux-amd64.tar.gz`,
            `echo "containerd ${v}: $("$d/bin/containerd" --version)"`,
            `rm -rf "$d"`,
          ].join('\n'),
        ),
        `d=$(mktemp -d) && tar -C "$d" -xzf /tmp/art/cni/v${EXPECTED.cni}/cni-plugins-linux-amd64-v${EXPECTED.cni}.tgz`,
        'test -x "$d/bridge" && test -x "$d/host-local" && test -x "$d/loopback" && test -x "$d/portmap" && echo "cni: top-level plugins"',
        'rm -rf "$d"',
        `chmod +x /tmp/art/runc/v${EXPECTED.runc}/runc.amd64 && echo "runc: $(/tmp/art/runc/v${EXPECTED.runc}/runc.amd64 --version | head -1)"`,
        'rm -rf /tmp/art',
      ].join('\n'),
    );
    const lines = out.trim().split('\n');
    expect(lines[0]).toMatch(/^containerd 1\.6\.20: containerd \S+ 1\.6\.20\b/);
    expect(lines[1]).toMatch(/^containerd 1\.7\.24: containerd \S+ 1\.7\.24\b/);
    expect(lines[2]).toBe('cni: top-level plugins');
    expect(lines[3]).toMatch(/^runc: runc version 1\.1\.5\b/);
  });

  it('rebuilds byte-identical tarballs from the same packages (sorted entries, fixed mtime, gzip -n)', async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'fp-artifacts-'));
    try {
      const rebuilt = await buildArtifacts({ into: path.join(tmp, 'out') });
      expect(rebuilt.versions).toEqual(artifacts.versions);
      const sums = [
        ...EXPECTED.containerd.map((v) => layout.containerdSha256sum(v)),
        layout.runcSha256sum(EXPECTED.runc),
        layout.cniSha256(EXPECTED.cni),
      ];
      for (const f of sums) expect(readFileSync(path.join(rebuilt.dir, f), 'utf8')).toBe(readFileSync(path.join(artifacts.dir, f), 'utf8'));
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 600_000);

  it('keeps the server while another lab is recorded and stops it with the last one', async () => {
    await labDown({ name: LAB.name });
    // Read both under the labs lock, so another engineer's labUp/labDown cannot slip in between.
    const { others, status } = await withLock(LABS_LOCK_FILE, 600_000, async () => ({
      others: labNames().filter((n) => readState(n) !== undefined),
      status: artifactServerStatus(),
    }));
    expect(others).not.toContain(LAB.name);
    expect({ running: status.running, labsLeft: others.length > 0 }).toEqual({ running: others.length > 0, labsLeft: others.length > 0 });
    if (!status.running) {
      const probe = spawnSync('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', `${ARTIFACTS_URL}/`], { encoding: 'utf8' });
      expect(probe.stdout).toBe('000');
    }
  }, 600_000);
});
