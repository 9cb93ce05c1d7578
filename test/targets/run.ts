// CLI: boots one lab node (127.0.1.35, lab `anstgt`, or `--lab NAME --first N` for 127.0.1.N), runs
// ansible-core's integration targets through fleetplay and prints the per-target table.
// `npx tsx test/targets/run.ts [target…] [--json FILE] [--lab NAME --first N]`.
import { writeFileSync } from 'node:fs';
import { labUp } from '../../lab/index.ts';
import { runAll, scoreTable, type TargetScore } from './runner.ts';
import { TARGETS } from './targets.ts';

/** Boots the node, runs the chosen targets one after another, prints the table. */
async function main(argv: string[]): Promise<void> {
  const option = (name: string): string | undefined => {
    const at = argv.indexOf(name);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const valued = new Set(['--json', '--lab', '--first'].map((o) => argv.indexOf(o) + 1).filter((i) => i > 0));
  const jsonFile = option('--json');
  const names = argv.filter((a, i) => !a.startsWith('--') && !valued.has(i));
  const specs = names.length ? TARGETS.filter((t) => names.includes(t.name)) : TARGETS;
  const first = Number(option('--first') ?? 35);
  const lab = await labUp({ name: option('--lab') ?? 'anstgt', nodes: 1, image: 'clean', first, log: () => undefined });
  const node = lab.nodes[0];
  if (!node) throw new Error('the lab has no node');
  const target = { address: node.address, keyFile: lab.keyFile, knownHostsFile: lab.knownHostsFile };
  const scores: TargetScore[] = await runAll(specs, target, (s) =>
    console.error(`${s.name}: ${s.asserts.passed}/${s.asserts.total} in ${(s.durationMs / 1000).toFixed(1)} s ${s.firstFailure ?? ''}`),
  );
  console.log(scoreTable(scores));
  if (jsonFile) writeFileSync(jsonFile, `${JSON.stringify(scores, null, 2)}\n`);
}

await main(process.argv.slice(2));
