// Re-renders the markdown of a results file (and optionally another node count, for the scaling line):
//   npx tsx bench/render.ts bench/results/<date>-<HHMM>-50-nodes.json [bench/results/<date>-<HHMM>-10-nodes.json]
import { readFileSync } from 'node:fs';
import { renderMarkdown } from './results.ts';
import type { BenchResults } from './types.ts';

const [file, other] = process.argv.slice(2);
if (!file) throw new Error('usage: npx tsx bench/render.ts RESULTS.json [OTHER-NODE-COUNT.json]');
const load = (f: string): BenchResults => JSON.parse(readFileSync(f, 'utf8')) as BenchResults;
console.log(renderMarkdown(load(file), other ? load(other) : undefined));
