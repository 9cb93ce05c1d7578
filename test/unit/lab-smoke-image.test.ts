// The lab's smoke-test image archive: a valid OCI image layout (index.json -> manifest -> config and layer,
// every digest and size matching its blob), Docker's manifest.json pointing at the same blobs, the busybox
// layer as runtimes unpack it, and the same bytes from the same input.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SMOKE_IMAGE_REF, buildSmokeImage } from '../../lab/artifacts/smokeimage.ts';
import { tarArchive } from '../../lab/artifacts/tar.ts';

interface Member {
  name: string;
  type: string;
  mode: number;
  mtime: number;
  link: string;
  data: Buffer;
}

/** Reads a ustar archive (what the runtimes' tar readers see). */
function readTar(tar: Buffer): Member[] {
  const members: Member[] = [];
  for (let at = 0; at + 512 <= tar.length; ) {
    const h = tar.subarray(at, at + 512);
    if (h.every((b) => b === 0)) break;
    const text = (from: number, len: number): string =>
      h
        .subarray(from, from + len)
        .toString('utf8')
        .replace(/\0.*$/s, '');
    const size = parseInt(text(124, 12), 8);
    members.push({
      name: text(0, 100),
      mode: parseInt(text(100, 8), 8),
      mtime: parseInt(text(136, 12), 8),
      type: text(156, 1),
      link: text(157, 100),
      data: tar.subarray(at + 512, at + 512 + size),
    });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return members;
}

/** An OCI descriptor as the index and manifest hold them. */
interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: Record<string, string>;
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const busybox = Buffer.from('\x7fELF pretend busybox '.repeat(100));
const MTIME = 1_700_000_000;

describe('buildSmokeImage', () => {
  const image = buildSmokeImage({ busybox, mtime: MTIME });
  const members = readTar(image.archive);
  const file = (name: string): Buffer => {
    const m = members.find((x) => x.name === name);
    if (!m) throw new Error(`no ${name} in the archive`);
    return m.data;
  };
  const json = <T>(name: string): T => JSON.parse(file(name).toString('utf8')) as T;
  const blob = (digest: string): Buffer => file(`blobs/sha256/${digest.replace(/^sha256:/, '')}`);

  it('is an OCI image layout whose index, manifest, config and layer digests and sizes match their blobs', () => {
    expect(json<unknown>('oci-layout')).toEqual({ imageLayoutVersion: '1.0.0' });
    const index = json<{ schemaVersion: number; manifests: Descriptor[] }>('index.json');
    expect(index).toMatchObject({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json' });
    expect(index.manifests).toHaveLength(1);
    const entry = index.manifests[0]!;
    expect(entry.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(entry.annotations?.['io.containerd.image.name']).toBe(SMOKE_IMAGE_REF);
    expect(entry.platform).toEqual({ architecture: 'amd64', os: 'linux' });
    const manifestBytes = blob(entry.digest);
    expect(`sha256:${sha256(manifestBytes)}`).toBe(entry.digest);
    expect(manifestBytes.length).toBe(entry.size);
    const manifest = JSON.parse(manifestBytes.toString('utf8')) as { schemaVersion: number; config: Descriptor; layers: Descriptor[] };
    expect(manifest.schemaVersion).toBe(2);
    for (const d of [manifest.config, ...manifest.layers]) {
      expect(`sha256:${sha256(blob(d.digest))}`).toBe(d.digest);
      expect(blob(d.digest).length).toBe(d.size);
    }
    expect(manifest.config.mediaType).toBe('application/vnd.oci.image.config.v1+json');
    expect(manifest.layers.map((l) => l.mediaType)).toEqual(['application/vnd.oci.image.layer.v1.tar']);
    const config: unknown = JSON.parse(blob(manifest.config.digest).toString('utf8'));
    // An uncompressed layer: its diff ID is its digest.
    expect(config).toMatchObject({
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: [manifest.layers[0]?.digest] },
    });
    expect(entry.digest).toBe(`sha256:${image.manifestDigest}`);
    expect(manifest.config.digest).toBe(`sha256:${image.configDigest}`);
    expect(manifest.layers[0]?.digest).toBe(`sha256:${image.layerDigest}`);
  });

  it("carries Docker's manifest.json (docker load before Docker 25) pointing at the same config and layer", () => {
    const [docker, ...more] = json<unknown[]>('manifest.json');
    expect(more).toEqual([]);
    expect(docker).toEqual({
      Config: `blobs/sha256/${image.configDigest}`,
      RepoTags: [SMOKE_IMAGE_REF],
      Layers: [`blobs/sha256/${image.layerDigest}`],
    });
  });

  it('has a layer with the busybox binary and /bin/sh linked to it, every member root-owned and dated mtime', () => {
    const layer = readTar(blob(image.layerDigest));
    const bin = layer.find((m) => m.name === 'bin/busybox');
    expect(bin).toMatchObject({ type: '0', mode: 0o755 });
    expect(bin?.data.equals(busybox)).toBe(true);
    expect(layer.find((m) => m.name === 'bin/sh')).toMatchObject({ type: '2', link: 'busybox' });
    expect(layer.find((m) => m.name === 'tmp/')).toMatchObject({ type: '5', mode: 0o1777 });
    expect(new Set([...layer, ...members].map((m) => m.mtime))).toEqual(new Set([MTIME]));
  });

  it('gives the same bytes for the same input, and other bytes for another binary or date', () => {
    expect(buildSmokeImage({ busybox, mtime: MTIME }).archive.equals(image.archive)).toBe(true);
    expect(buildSmokeImage({ busybox, mtime: MTIME + 1 }).archive.equals(image.archive)).toBe(false);
    expect(buildSmokeImage({ busybox: Buffer.from('other'), mtime: MTIME }).archive.equals(image.archive)).toBe(false);
  });

  it("is read by the host's tar, headers and checksums included", () => {
    const r = spawnSync('tar', ['-tvf', '-'], { input: image.archive, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^-rw-r--r-- 0\/0 +30 .* oci-layout$/m);
    const layer = spawnSync('tar', ['-tvf', '-'], { input: blob(image.layerDigest), encoding: 'utf8' });
    expect(layer.status).toBe(0);
    expect(layer.stdout).toMatch(/^lrwxrwxrwx 0\/0 +0 .* bin\/sh -> busybox$/m);
  });
});

describe('tarArchive', () => {
  it('refuses a member name that does not fit the ustar header', () => {
    expect(() => tarArchive([{ type: 'dir', name: 'x'.repeat(101), mode: 0o755 }], 0)).toThrow(/longer than 100 bytes/);
  });
});
