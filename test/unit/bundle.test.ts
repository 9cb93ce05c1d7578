// The start-up bundle: built by esbuild from real sources in a scratch directory, used only while
// every input is unchanged, with each source's own import.meta.url; and the real CLI (a copy of it,
// with its own cache) started from it.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildBundle, bundleEntry, currentBundle, type BundlePaths } from '../../engine/bundle.ts';

const scratch: string[] = [];
afterAll(() => {
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

/** A tiny "engine": main.ts imports lib/where.ts, which reports its own URL. */
function project(): BundlePaths & { lib: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-bundle-'));
  scratch.push(dir);
  mkdirSync(path.join(dir, 'lib'));
  const lib = path.join(dir, 'lib', 'where.ts');
  writeFileSync(
    lib,
    'export const where: string = import.meta.url;\nexport const dir: string = import.meta.dirname;\nexport const answer: number = 1;\n',
  );
  writeFileSync(
    path.join(dir, 'main.ts'),
    "import { answer, dir, where } from './lib/where.ts';\nexport const out = { answer, where, dir };\n",
  );
  return { entry: path.join(dir, 'main.ts'), cache: path.join(dir, 'cache'), lib };
}

async function load(file: string): Promise<{ answer: number; where: string; dir: string }> {
  return ((await import(`${pathToFileURL(file).href}?t=${Math.random()}`)) as { out: { answer: number; where: string; dir: string } }).out;
}

describe('the start-up bundle', () => {
  it("is built once, runs the sources' code with each file's own import.meta.url, and is current until an input changes", async () => {
    const p = project();
    expect(currentBundle(p)).toBeUndefined();
    const built = await buildBundle(p);
    expect(currentBundle(p)).toBe(built);
    expect(await load(built)).toEqual({ answer: 1, where: pathToFileURL(p.lib).href, dir: path.dirname(p.lib) });

    writeFileSync(p.lib, readFileSync(p.lib, 'utf8').replace('answer: number = 1', 'answer: number = 2'));
    expect(currentBundle(p)).toBeUndefined();
    const rebuilt = await bundleEntry(p);
    expect(rebuilt).toBeDefined();
    expect(rebuilt).not.toBe(built);
    expect(await load(rebuilt!)).toMatchObject({ answer: 2 });
  });

  it('maps a stack trace to the source file and line, though the chunk is minified and its map has no sources', async () => {
    const p = project();
    writeFileSync(p.lib, '// a comment\nexport function boom(): never {\n  throw new Error("boom");\n}\nexport const answer = 1;\n');
    writeFileSync(
      p.entry,
      "import { boom } from './lib/where.ts';\ntry {\n  boom();\n} catch (e) {\n  console.log((e as Error).stack);\n}\n",
    );
    const built = await buildBundle(p);
    const map = JSON.parse(readFileSync(`${built}.map`, 'utf8')) as { sourcesContent?: unknown };
    expect(map.sourcesContent).toBeUndefined();
    const r = spawnSync(process.execPath, ['--enable-source-maps', built], { encoding: 'utf8' });
    expect(r.stdout).toMatch(/Error: boom\n\s+at boom \(.*lib\/where\.ts:3:9\)/);
  });

  it('is not current when an input is removed, the manifest is damaged, or it was built for another entry', async () => {
    const p = project();
    await buildBundle(p);
    rmSync(p.lib);
    expect(currentBundle(p)).toBeUndefined();

    const q = project();
    await buildBundle(q);
    expect(currentBundle({ ...q, entry: path.join(path.dirname(q.entry), 'other.ts') })).toBeUndefined();
    writeFileSync(path.join(q.cache, 'manifest.json'), '{"format": 1, "dir": ');
    expect(currentBundle(q)).toBeUndefined();
  });

  it('falls back to the sources when the build fails or FLEETPLAY_BUNDLE=0', async () => {
    const p = project();
    writeFileSync(p.entry, 'export const = ;\n');
    expect(await bundleEntry(p)).toBeUndefined();
    const q = project();
    process.env.FLEETPLAY_BUNDLE = '0';
    try {
      expect(await bundleEntry(q)).toBeUndefined();
    } finally {
      delete process.env.FLEETPLAY_BUNDLE;
    }
    expect(await bundleEntry(q)).toBeDefined();
  });
});

describe('engine/index.ts', () => {
  const ROOT = path.resolve(import.meta.dirname, '..', '..');

  /** A copy of the engine with its own node_modules/.cache (the packages are links to the real ones). */
  function copy(): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-bundle-cli-'));
    scratch.push(dir);
    for (const part of ['engine', 'modules', 'lab', 'playbooks', 'inventory', 'package.json', 'tsconfig.json'])
      cpSync(path.join(ROOT, part), path.join(dir, part), { recursive: true });
    mkdirSync(path.join(dir, 'node_modules'));
    for (const pkg of readdirSync(path.join(ROOT, 'node_modules')))
      if (pkg !== '.cache') symlinkSync(path.join(ROOT, 'node_modules', pkg), path.join(dir, 'node_modules', pkg));
    return dir;
  }
  const cli = (root: string, env: Record<string, string> = {}) => {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'engine', 'index.ts'), 'validate', 'playbooks/containerd.yml', '-i', 'inventory/kube'],
      {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, ...env },
      },
    );
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const VALID = /^play 'Migrate from Docker to containerd': \d+ tasks, 1 handler, 3 hosts .*\nplaybooks\/containerd.yml: valid\n$/;

  it('builds the bundle on first start, runs from it afterwards, and answers as the sources do', () => {
    const root = copy();
    const paths = { entry: path.join(root, 'engine', 'main.ts'), cache: path.join(root, 'node_modules', '.cache', 'fleetplay', 'engine') };
    const first = cli(root);
    expect(first.stdout).toMatch(VALID);
    expect(first).toEqual(cli(root, { FLEETPLAY_BUNDLE: '0' }));
    const entry = currentBundle(paths);
    expect(entry).toBeDefined();

    // The next start imports that very file: a marker put in it is what runs.
    writeFileSync(entry!, "process.stdout.write('from the bundle\\n');\n");
    expect(cli(root).stdout).toBe('from the bundle\n');
    // A bundle that throws on load: the sources run instead.
    writeFileSync(entry!, "throw new Error('broken bundle');\n");
    expect(cli(root)).toEqual(first);
    // An edited source makes the bundle stale: it is rebuilt, and the edit is what runs.
    const main = path.join(root, 'engine', 'main.ts');
    writeFileSync(
      main,
      readFileSync(main, 'utf8').replace(
        "return (await import('./cli/validate.ts'))",
        "out('edited\\n');\n      return (await import('./cli/validate.ts'))",
      ),
    );
    const edited = cli(root);
    expect(edited.stdout).toMatch(/^edited\n/);
    expect(currentBundle(paths)).not.toBe(entry);
  });
});
