// Start-up from one pre-built bundle of the engine's sources and packages. Loading ~160 TypeScript
// files and the packages' files one by one through tsx's loader hooks was about half of every
// command's start-up (0.75 s for `validate`, against 0.35-0.40 s from the bundle). The bundle is built
// by esbuild (the compiler tsx itself runs) into node_modules/.cache/fleetplay/engine, and used only
// while every file it was built from is byte for byte the one on disk: the manifest beside it holds
// each input's sha256, and all of them are checked on every start (a few milliseconds). An edited,
// added or removed import, or an upgraded package, changes some input's bytes, so a stale bundle is
// never run. Anything that goes wrong (no esbuild, a read-only node_modules, a failed build) falls
// back to the sources; FLEETPLAY_BUNDLE=0 always does.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';

/** Bump when the way the bundle is built changes: older manifests are then rebuilt. */
const FORMAT = 3;

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** What a build left: the directory of its files and the sha256 of every source file it read. */
interface Manifest {
  format: number;
  /** The entry it was built from: a copy of the repository elsewhere builds its own. */
  entry: string;
  dir: string;
  inputs: Record<string, string>;
}

/** Where bundles are kept, and the manifest of the current one. */
export interface BundlePaths {
  /** The engine's entry module (TypeScript). */
  entry: string;
  /** The directory holding manifest.json and one sub-directory per build. */
  cache: string;
}

export const DEFAULT_PATHS: BundlePaths = {
  entry: path.join(ROOT, 'engine', 'main.ts'),
  cache: path.join(ROOT, 'node_modules', '.cache', 'fleetplay', 'engine'),
};

/** Builds older than this are removed when a new one is written (a run loads all of its build at start). */
const KEEP_MS = 3600 * 1000;

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** The bundle's entry file when the manifest's inputs all match the files on disk, else undefined. */
export function currentBundle(paths: BundlePaths = DEFAULT_PATHS): string | undefined {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(path.join(paths.cache, 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
  if (
    manifest.format !== FORMAT ||
    manifest.entry !== paths.entry ||
    typeof manifest.dir !== 'string' ||
    !manifest.inputs ||
    typeof manifest.inputs !== 'object'
  )
    return undefined;
  const inputs = Object.entries(manifest.inputs);
  if (inputs.length === 0) return undefined;
  for (const [file, hash] of inputs) {
    try {
      if (sha256(readFileSync(path.resolve(paths.cache, file))) !== hash) return undefined;
    } catch {
      return undefined;
    }
  }
  const main = path.join(paths.cache, manifest.dir, 'main.mjs');
  try {
    statSync(main);
  } catch {
    return undefined;
  }
  return main;
}

/**
 * Builds the bundle from the sources and makes it current; returns its entry file. Each build writes
 * its own directory, and the manifest is replaced by a rename, so concurrent starts never see a
 * half-written bundle: the last build to finish is the one later starts use.
 */
export async function buildBundle(paths: BundlePaths = DEFAULT_PATHS): Promise<string> {
  const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  const inputs: Record<string, string> = {};
  const dir = `build-${Date.now()}-${randomBytes(4).toString('hex')}`;
  mkdirSync(paths.cache, { recursive: true });
  await esbuild.build({
    entryPoints: { main: paths.entry },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: `node${process.versions.node.split('.')[0]}`,
    // The packages are bundled too (each file through tsx's hooks costs ~1 ms), except ssh2, which
    // loads a native binding when it has one. Splitting keeps each command loading only its own code.
    external: ['ssh2', 'esbuild'],
    // CommonJS packages call require() for Node's built-in modules; an ES module has no require.
    banner: { js: "import { createRequire as __fpCreateRequire } from 'node:module'; const require = __fpCreateRequire(import.meta.url);" },
    splitting: true,
    outdir: path.join(paths.cache, dir),
    outExtension: { '.js': '.mjs' },
    sourcemap: 'linked',
    // Start-up parses every chunk and, with source maps on, every map: maps without the sources' text
    // (stack traces need only the mappings) and chunks without whitespace and comments parse faster.
    // Names are kept, so a stack trace still reads without the map.
    sourcesContent: false,
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'silent',
    plugins: [sourcesAsRead(paths.cache, inputs)],
  });
  const manifest: Manifest = { format: FORMAT, entry: paths.entry, dir, inputs };
  const tmp = path.join(paths.cache, `.manifest-${randomBytes(4).toString('hex')}`);
  writeFileSync(tmp, JSON.stringify(manifest));
  renameSync(tmp, path.join(paths.cache, 'manifest.json'));
  removeOldBuilds(paths.cache, dir);
  return path.join(paths.cache, dir, 'main.mjs');
}

/**
 * Hashes each input file exactly as esbuild compiles it (so the manifest names the bytes in the
 * bundle), and gives each file its own `import.meta.url`, dirname and filename: code that finds files
 * beside its source (the validator cache, the lab's artifact server) then finds them from the bundle.
 */
function sourcesAsRead(cache: string, inputs: Record<string, string>): Plugin {
  return {
    name: 'fleetplay-sources',
    setup(build) {
      build.onLoad({ filter: /\.([cm]?[jt]s|json)$/ }, (args) => {
        const bytes = readFileSync(args.path);
        inputs[path.relative(cache, args.path)] = sha256(bytes);
        const contents = bytes
          .toString('utf8')
          .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href))
          .replaceAll('import.meta.dirname', JSON.stringify(path.dirname(args.path)))
          .replaceAll('import.meta.filename', JSON.stringify(args.path));
        return { contents, loader: args.path.endsWith('.json') ? 'json' : args.path.endsWith('ts') ? 'ts' : 'js' };
      });
    },
  };
}

function removeOldBuilds(cache: string, keep: string): void {
  try {
    for (const name of readdirSync(cache)) {
      if (!name.startsWith('build-') || name === keep) continue;
      const where = path.join(cache, name);
      if (Date.now() - statSync(where).mtimeMs > KEEP_MS) rmSync(where, { recursive: true, force: true });
    }
  } catch {
    // Only disk space is at stake.
  }
}

/** The entry file to import: the current bundle, a fresh one, or undefined to run from the sources. */
export async function bundleEntry(paths: BundlePaths = DEFAULT_PATHS): Promise<string | undefined> {
  if (process.env.FLEETPLAY_BUNDLE === '0') return undefined;
  try {
    return currentBundle(paths) ?? (await buildBundle(paths));
  } catch {
    return undefined;
  }
}
