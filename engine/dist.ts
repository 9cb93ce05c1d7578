// The installable build: `npm pack` runs this (package.json "prepack") to write dist/, one ES module
// bundle of engine/main.ts with its packages, that bin/fleetplay.mjs imports in its own process. Unlike
// the start-up bundle (engine/bundle.ts), it is built once for the package and moves with it: each
// source's `import.meta.url` points at where that source sits in the installed package (the sources ship
// too), so code that finds files beside its source finds them wherever the package is installed.
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';
import { readFileSync } from 'node:fs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Builds dist/ (removed first) from engine/main.ts; returns the entry file. */
export async function buildDist(outdir = path.join(ROOT, 'dist')): Promise<string> {
  const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  rmSync(outdir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: { main: path.join(ROOT, 'engine', 'main.ts') },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // As in the start-up bundle: ssh2 may load a native binding, esbuild is only for building.
    external: ['ssh2', 'esbuild'],
    banner: { js: "import { createRequire as __fpCreateRequire } from 'node:module'; const require = __fpCreateRequire(import.meta.url);" },
    splitting: true,
    outdir,
    outExtension: { '.js': '.mjs' },
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
    plugins: [relocatable(outdir)],
  });
  return path.join(outdir, 'main.mjs');
}

/** Gives each source an `import.meta.url` (and dirname, filename) relative to the chunk that holds it. */
function relocatable(outdir: string): Plugin {
  return {
    name: 'fleetplay-relocatable',
    setup(build) {
      build.onLoad({ filter: /\.([cm]?[jt]s|json)$/ }, (args) => {
        const rel = path.relative(outdir, args.path).split(path.sep).join('/');
        const relDir = path.relative(outdir, path.dirname(args.path)).split(path.sep).join('/') || '.';
        const url = `new URL(${JSON.stringify(rel)}, import.meta.url).href`;
        const dir = `decodeURIComponent(new URL(${JSON.stringify(`${relDir}/`)}, import.meta.url).pathname).replace(/\\/$/, '')`;
        const contents = readFileSync(args.path, 'utf8')
          .replaceAll('import.meta.url', url)
          .replaceAll('import.meta.dirname', `(${dir})`)
          .replaceAll('import.meta.filename', `decodeURIComponent(new URL(${JSON.stringify(rel)}, import.meta.url).pathname)`);
        return { contents, loader: args.path.endsWith('.json') ? 'json' : args.path.endsWith('ts') ? 'ts' : 'js' };
      });
    },
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const entry = await buildDist();
  process.stdout.write(`dist: ${path.relative(ROOT, entry)}\n`);
}
