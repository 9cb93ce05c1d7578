// The manifest of an archive on the controller (unarchive with remote_src: false), computed once per
// archive version with the controller's GNU tar (or unzip) and shared by every host of the run.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { operandPath, shellQuote } from '../../engine/quote.ts';
import type { StateSlot } from '../../engine/types.ts';
import { manifestPipeline, parseManifestRecord, type ManifestEntry, type ManifestSpec } from './archiveManifest.ts';
import { cachedManifests, rememberManifest, type CachedManifest } from './manifestCache.ts';
import { SHA256_PROBE } from '../lib/remoteSha256.ts';

/** Manifests being computed in this run, by archive version: hosts asking at once share one computation. */
export type ManifestsInFlight = Map<string, Promise<CachedManifest>>;

/** The run's manifests in flight (view.runState). */
export const MANIFESTS_IN_FLIGHT: StateSlot<ManifestsInFlight> = {
  name: 'unarchive: controller manifests in flight',
  init: () => new Map(),
};

/** sha256 of a local file. */
export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (d) => h.update(d))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

/**
 * The manifest of a controller-side archive; throws with tar's own words when it cannot be read. Hosts
 * of one run pass the run's `inFlight` (MANIFESTS_IN_FLIGHT), so the archive is read once.
 */
export async function localManifest(file: string, spec: ManifestSpec, inFlight: ManifestsInFlight = new Map()): Promise<CachedManifest> {
  const archiveSha = await sha256File(file);
  const cached = cachedManifests(file, spec).find((m) => m.archiveSha === archiveSha);
  if (cached) return cached;
  const key = JSON.stringify([file, archiveSha, spec]);
  let job = inFlight.get(key);
  if (!job) {
    job = computeManifest(file, spec).then((entries) => {
      const manifest = { archiveSha, entries };
      rememberManifest(file, spec, manifest);
      return manifest;
    });
    inFlight.set(key, job);
    job.finally(() => inFlight.delete(key)).catch(() => undefined);
  }
  return job;
}

function computeManifest(file: string, spec: ManifestSpec): Promise<ManifestEntry[]> {
  const script = `${SHA256_PROBE}\n{ ${manifestPipeline(spec, shellQuote(operandPath(file)))}; } 3>&1`;
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', () => {
      const text = Buffer.concat(out).toString('utf8');
      const rc = /^manifest_rc=(\d+)$/m.exec(text)?.[1];
      if (rc !== '0') {
        const why = Buffer.concat(err).toString('utf8').trim() || `exit ${rc ?? 'unknown'}`;
        reject(new Error(`cannot read archive ${file} on the controller: ${why}`));
        return;
      }
      const entries = text
        .split('\n')
        .filter((l) => !l.startsWith('manifest_rc='))
        .map((l) => parseManifestRecord(l.split('\t')))
        .filter((e): e is ManifestEntry => e !== undefined);
      resolve(entries);
    });
  });
}
