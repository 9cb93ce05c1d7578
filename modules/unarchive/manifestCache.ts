// Controller-side cache of archive manifests, so a no-op unarchive hashes the archive and the dest
// files but does not decompress the archive. Entries are addressed by the archive's sha256 (plus the
// options that shape the manifest), so an entry can never be stale; nothing is stored on the hosts.
// Each manifest is also filed under its archive's sha256 alone, so check mode can find the manifest of
// an archive an earlier task would download (it knows the sha256, not where the archive was seen).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ManifestEntry, ManifestSpec } from './archiveManifest.ts';
import { cacheRoot, writeCacheFile as writeJsonCache } from '../lib/controllerCache.ts';

/** A manifest with the sha256 of the archive it describes. */
export interface CachedManifest {
  archiveSha: string;
  entries: ManifestEntry[];
}

/** How many archive versions are kept per source and options (a rollout may mix old and new hosts). */
const KEEP = 3;

/** The cache directory: unarchive/ under the controller's cache root. */
export function cacheDir(): string {
  return path.join(cacheRoot(), 'unarchive');
}

function fileFor(source: string, spec: ManifestSpec): string {
  // v2: records carry tar's mtime (keep_newer); earlier files are not read.
  const key = JSON.stringify({
    v: 2,
    source,
    format: spec.format,
    extraOpts: spec.extraOpts,
    include: spec.include,
    exclude: spec.exclude ?? [],
  });
  return path.join(cacheDir(), `${createHash('sha256').update(key).digest('hex').slice(0, 40)}.json`);
}

/** The cached manifests for a source (path or URL) and options, newest first; [] when none or unreadable. */
export function cachedManifests(source: string, spec: ManifestSpec): CachedManifest[] {
  try {
    const data = JSON.parse(readFileSync(fileFor(source, spec), 'utf8')) as { manifests?: CachedManifest[] };
    return Array.isArray(data.manifests) ? data.manifests.filter((m) => typeof m.archiveSha === 'string' && Array.isArray(m.entries)) : [];
  } catch {
    return [];
  }
}

/** Records a manifest (atomically; a cache that cannot be written is silently skipped). */
export function rememberManifest(source: string, spec: ManifestSpec, manifest: CachedManifest): void {
  const manifests = [manifest, ...cachedManifests(source, spec).filter((m) => m.archiveSha !== manifest.archiveSha)].slice(0, KEEP);
  writeCacheFile(source, spec, manifests);
  writeCacheFile(shaSource(manifest.archiveSha), spec, [manifest]);
}

/**
 * The cached manifest of the archive with this sha256, wherever it was seen; undefined when none.
 * Manifests cached before the sha256 index existed are found by reading the other cache files.
 */
export function manifestBySha(archiveSha: string, spec: ManifestSpec): CachedManifest | undefined {
  const direct = cachedManifests(shaSource(archiveSha), spec).find((m) => m.archiveSha === archiveSha);
  if (direct) return direct;
  let names: string[];
  try {
    names = readdirSync(cacheDir()).filter((n) => n.endsWith('.json'));
  } catch {
    return undefined;
  }
  for (const name of names) {
    let source: unknown;
    try {
      source = (JSON.parse(readFileSync(path.join(cacheDir(), name), 'utf8')) as { source?: unknown }).source;
    } catch {
      continue;
    }
    // Only a file written for the same options (its name is derived from them) describes this manifest.
    if (typeof source !== 'string' || path.basename(fileFor(source, spec)) !== name) continue;
    const found = cachedManifests(source, spec).find((m) => m.archiveSha === archiveSha);
    if (found) {
      writeCacheFile(shaSource(archiveSha), spec, [found]);
      return found;
    }
  }
  return undefined;
}

function shaSource(archiveSha: string): string {
  return `sha256:${archiveSha}`;
}

function writeCacheFile(source: string, spec: ManifestSpec, manifests: CachedManifest[]): void {
  writeJsonCache(fileFor(source, spec), { source, manifests });
}
