// The layers (#14): the engine never imports modules/ or lab/ (the CLI, the composition root, builds the
// module registry and passes it in), and modules/ never import lab/. Import cycles are caught by
// `npm run check:cycles` (dpdm), which npm test runs first.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)));
}

/** Repository-relative targets of a file's relative imports, static and dynamic (type-only ones too). */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const specs = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)'(\.[^']+)'/gm)].map((m) => m[1]!);
  return specs.map((s) => path.relative(ROOT, path.resolve(ROOT, path.dirname(file), s)));
}

/** Imports from `dirs` that reach into one of `forbidden`. */
function crossings(files: string[], forbidden: string[]): string[] {
  return files.flatMap((f) =>
    importsOf(f)
      .filter((t) => forbidden.some((d) => t.startsWith(`${d}/`)))
      .map((t) => `${f} -> ${t}`),
  );
}

// The composition root: the CLI's commands and the entry points that start them.
const COMPOSITION_ROOT = (f: string) => f.startsWith('engine/cli/') || f === 'engine/main.ts' || f === 'engine/index.ts';

describe('layers', () => {
  it('finds the imports it checks', () => {
    expect(importsOf('engine/cli/run.ts')).toContain('modules/index.ts');
    expect(sources('engine').length).toBeGreaterThan(100);
  });

  it('the engine imports neither modules/ nor lab/, outside the CLI that composes them', () => {
    expect(
      crossings(
        sources('engine').filter((f) => !COMPOSITION_ROOT(f)),
        ['modules', 'lab'],
      ),
    ).toEqual([]);
  });

  it('modules import nothing from lab/', () => {
    expect(crossings(sources('modules'), ['lab'])).toEqual([]);
  });
});
