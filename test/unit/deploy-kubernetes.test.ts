// deploy/kubernetes: the manifests are valid Kubernetes objects (kubernetes-models' schemas, from the
// API's OpenAPI), consistent with each other (names, keys, mounts, slice count), and their command lines,
// expanded by a real /bin/sh as the pod would, are what fleetplay's own option parser accepts.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseCommand } from '../../engine/cli/args.ts';
import { runOptions } from '../../engine/cli/run.ts';
import { parseSlice } from '../../engine/inventory/slice.ts';

const DIR = path.resolve(import.meta.dirname, '../../deploy/kubernetes');
// biome-ignore lint/suspicious/noExplicitAny: manifests are checked by the schemas below, then read loosely.
type Doc = any;

function docs(file: string): Doc[] {
  return parseAllDocuments(readFileSync(path.join(DIR, file), 'utf8')).map((d) => {
    expect(d.errors, file).toEqual([]);
    return d.toJS();
  });
}

const MODELS: Record<string, new (x: Doc) => { validate(): void }> = {
  Job,
  ConfigMap,
  Secret,
  PersistentVolumeClaim,
};

/** argv that fleetplay receives when /bin/sh runs the container's command with `env`. */
function argvOf(container: Doc, env: Record<string, string>): string[] {
  const bin = mkdtempSync(path.join(os.tmpdir(), 'k8s-'));
  writeFileSync(path.join(bin, 'fleetplay'), '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n');
  chmodSync(path.join(bin, 'fleetplay'), 0o755);
  const [shell, flag, ...rest] = [...container.command, ...container.args] as string[];
  const r = spawnSync(shell!, [flag!, ...rest], { encoding: 'utf8', env: { PATH: `${bin}:/usr/bin:/bin`, ...env } });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split('\n').slice(0, -1);
}

describe('deploy/kubernetes', () => {
  const all = [...docs('namespace-config.yaml'), ...docs('job.yaml'), ...docs('merge-job.yaml')];
  const byKind = (kind: string) => all.filter((d) => d.kind === kind);
  const [job, merge] = byKind('Job');

  it('every manifest is a valid object of its kind', () => {
    expect(all.map((d) => d.kind).sort()).toEqual(['ConfigMap', 'Job', 'Job', 'PersistentVolumeClaim', 'Secret']);
    for (const d of all) expect(() => new MODELS[d.kind]!(d).validate(), `${d.kind} ${d.metadata.name}`).not.toThrow();
  });

  it('the schemas catch a broken manifest (the check can fail)', () => {
    const broken = structuredClone(job);
    broken.spec.completions = 'four';
    expect(() => new Job(broken).validate()).toThrow(/completions must be integer/);
  });

  it('the rollout is an Indexed Job whose slice count, completions and parallelism agree, never retried', () => {
    expect(job.spec.completionMode).toBe('Indexed');
    const slices = job.spec.template.spec.containers[0].env.find((e: Doc) => e.name === 'SLICES').value;
    expect(Number(slices)).toBe(job.spec.completions);
    expect(job.spec.parallelism).toBe(job.spec.completions);
    expect(job.spec.backoffLimitPerIndex).toBe(0);
  });

  it('every mount has a volume, and every ConfigMap key, Secret and claim it names exists', () => {
    const configMaps = new Map(byKind('ConfigMap').map((c) => [c.metadata.name, c]));
    const secrets = new Set(byKind('Secret').map((s) => s.metadata.name));
    const claims = new Set(byKind('PersistentVolumeClaim').map((s) => s.metadata.name));
    for (const j of [job, merge]) {
      const spec = j.spec.template.spec;
      const volumes = new Map(spec.volumes.map((v: Doc) => [v.name, v]));
      for (const c of spec.containers) for (const m of c.volumeMounts) expect(volumes.has(m.name), m.name).toBe(true);
      for (const v of volumes.values() as Iterable<Doc>) {
        if (v.configMap)
          for (const item of v.configMap.items) expect(configMaps.get(v.configMap.name)?.data?.[item.key], item.key).toBeTypeOf('string');
        if (v.secret) expect(secrets.has(v.secret.secretName)).toBe(true);
        if (v.persistentVolumeClaim) expect(claims.has(v.persistentVolumeClaim.claimName)).toBe(true);
      }
    }
  });

  it('pod I runs slice I+1 of SLICES with its own report, in fleetplay’s own option syntax', () => {
    const container = job.spec.template.spec.containers[0];
    const seen = new Set<string>();
    for (let index = 0; index < job.spec.completions; index++) {
      const argv = argvOf(container, {
        JOB_COMPLETION_INDEX: String(index),
        SLICES: '4',
        FLEETPLAY_ARGS: '--check -e containerd_version=2.0.0',
      });
      expect(argv[0]).toBe('run');
      const p = parseCommand(argv.slice(1), runOptions);
      expect(parseSlice(p.values.slice as string)).toEqual({ index: index + 1, count: 4 });
      expect(p.values.report).toBe(`/reports/slice-${index + 1}.json`);
      expect(p.values.check).toBe(true);
      expect(p.values['extra-vars']).toEqual(['containerd_version=2.0.0']);
      seen.add(p.values.report as string);
    }
    expect(seen.size).toBe(4);
  });

  it('the merge step reads the slices’ reports from the volume the slices write to', () => {
    const argv = argvOf(merge.spec.template.spec.containers[0], {});
    expect(argv.slice(0, 2)).toEqual(['report', 'merge']);
    expect(argv[2]).toBe('/reports/slice-*.json'); // no file yet: the glob stays as written
    expect(merge.spec.template.spec.volumes[0].persistentVolumeClaim.claimName).toBe(
      job.spec.template.spec.volumes.at(-1).persistentVolumeClaim.claimName,
    );
  });
});
