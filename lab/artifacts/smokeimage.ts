// The lab's smoke-test container image: Debian's static busybox in one layer, written as an OCI image layout
// tarball (oci-layout, index.json, blobs/sha256/...) that also carries Docker's manifest.json, so that both
// `ctr image import` and `docker load` of Docker before 25 (which reads only manifest.json) accept it.
// Pure: the same busybox bytes and mtime give the same archive, hence a stable sha256.
import { createHash } from 'node:crypto';
import { tarArchive, type TarEntry } from './tar.ts';

/** The image's name in both runtimes (a registry host that is not one, so nothing ever tries to pull it). */
export const SMOKE_IMAGE_REF = 'fleetplay.lab/smoke:1';

/** Path of the archive and of its checksum file under the artifact server's root. */
export const smokeImageLayout = {
  archive: 'images/smoke.oci.tar',
  sha256sum: 'images/smoke.oci.tar.sha256sum',
} as const;

/** Commands the image offers in /bin besides busybox itself (links to it). */
const APPLETS = ['sh', 'cat', 'echo', 'ls', 'true', 'sleep', 'uname', 'id'];

/** An archive and the digests it names (sha256 hex) of the pieces inside. */
export interface SmokeImage {
  archive: Buffer;
  manifestDigest: string;
  configDigest: string;
  layerDigest: string;
}

/** Builds the image archive around a static busybox binary; mtime (seconds) dates every file and the image. */
export function buildSmokeImage(opts: { busybox: Buffer; mtime: number; ref?: string }): SmokeImage {
  const ref = opts.ref ?? SMOKE_IMAGE_REF;
  const { mtime } = opts;
  const layer = tarArchive(
    [
      { type: 'dir', name: 'bin', mode: 0o755 },
      { type: 'file', name: 'bin/busybox', mode: 0o755, data: opts.busybox },
      ...APPLETS.map((a): TarEntry => ({ type: 'symlink', name: `bin/${a}`, target: 'busybox' })),
      ...['dev', 'etc', 'proc', 'sys'].map((d): TarEntry => ({ type: 'dir', name: d, mode: 0o755 })),
      { type: 'dir', name: 'tmp', mode: 0o1777 },
    ],
    mtime,
  );
  const layerDigest = sha256(layer);
  const created = new Date(mtime * 1000).toISOString();
  const config = json({
    created,
    architecture: 'amd64',
    os: 'linux',
    config: { Env: ['PATH=/bin'], Cmd: ['/bin/sh'] },
    // The layer is stored uncompressed, so its diff ID is its own digest.
    rootfs: { type: 'layers', diff_ids: [`sha256:${layerDigest}`] },
    history: [{ created, created_by: 'fleetplay lab: busybox-static from Debian' }],
  });
  const configDigest = sha256(config);
  const manifest = json({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${configDigest}`, size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: `sha256:${layerDigest}`, size: layer.length }],
  });
  const manifestDigest = sha256(manifest);
  const index = json({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: `sha256:${manifestDigest}`,
        size: manifest.length,
        platform: { architecture: 'amd64', os: 'linux' },
        annotations: { 'io.containerd.image.name': ref, 'org.opencontainers.image.ref.name': ref.split(':').pop() ?? '' },
      },
    ],
  });
  // Docker's own archive format, read by `docker load` before Docker 25: it points at the same blobs.
  const dockerManifest = json([{ Config: `blobs/sha256/${configDigest}`, RepoTags: [ref], Layers: [`blobs/sha256/${layerDigest}`] }]);
  const blob = (hex: string, data: Buffer): TarEntry => ({ type: 'file', name: `blobs/sha256/${hex}`, mode: 0o644, data });
  const archive = tarArchive(
    [
      { type: 'file', name: 'oci-layout', mode: 0o644, data: json({ imageLayoutVersion: '1.0.0' }) },
      { type: 'file', name: 'index.json', mode: 0o644, data: index },
      { type: 'file', name: 'manifest.json', mode: 0o644, data: dockerManifest },
      { type: 'dir', name: 'blobs', mode: 0o755 },
      { type: 'dir', name: 'blobs/sha256', mode: 0o755 },
      blob(configDigest, config),
      blob(layerDigest, layer),
      blob(manifestDigest, manifest),
    ],
    mtime,
  );
  return { archive, manifestDigest, configDigest, layerDigest };
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
