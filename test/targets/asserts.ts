// Finds every `assert` task in a target's YAML files, with its file:line and the number of `that` items,
// so the runner can count the asserts a run never reached as not passed.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { isMap, isSeq, LineCounter, parseAllDocuments, type Node, type YAMLMap } from 'yaml';

/** One assert task in the sources: where it is and how many conditions it checks. */
export interface AssertSite {
  /** Path relative to the targets folder, e.g. `stat/tasks/main.yml`. */
  file: string;
  line: number;
  /** Number of `that` items (1 for a single string). */
  conditions: number;
}

const ASSERT_KEYS = new Set(['assert', 'ansible.builtin.assert', 'ansible.legacy.assert']);
const NESTED_KEYS = ['block', 'rescue', 'always', 'tasks', 'pre_tasks', 'post_tasks', 'handlers'];

/** Every YAML file under `dir`, sorted, skipping folders that hold no tasks. */
export function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) {
      if (!['defaults', 'vars', 'files', 'templates', 'meta', 'library'].includes(name)) out.push(...yamlFiles(full));
    } else if (/\.ya?ml$/.test(name)) out.push(full);
  }
  return out;
}

/** The assert tasks of one YAML file (plays, task lists, blocks and handlers alike). */
export function assertSites(file: string, root: string): AssertSite[] {
  const text = readFileSync(file, 'utf8');
  const counter = new LineCounter();
  const sites: AssertSite[] = [];
  const rel = path.relative(root, file);
  const visit = (node: Node | null | undefined): void => {
    if (isSeq(node)) for (const item of node.items) visit(item as Node);
    else if (isMap(node)) visitMap(node);
  };
  const visitMap = (map: YAMLMap): void => {
    for (const pair of map.items) {
      const key = String((pair.key as { value?: unknown } | null)?.value ?? '');
      if (ASSERT_KEYS.has(key)) {
        const start = map.range?.[0] ?? 0;
        sites.push({ file: rel, line: counter.linePos(start).line, conditions: thatCount(pair.value as Node, map) });
      } else if (NESTED_KEYS.includes(key)) visit(pair.value as Node);
    }
  };
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(text, { lineCounter: counter, uniqueKeys: false });
  } catch {
    return [];
  }
  for (const doc of Array.isArray(docs) ? docs : []) visit(doc.contents as Node);
  return sites;
}

/** How many conditions an assert checks: its `that` list (in the module args or free-standing). */
function thatCount(args: Node, task: YAMLMap): number {
  const that = isMap(args) ? args.get('that', true) : task.get('that', true);
  if (isSeq(that)) return that.items.length;
  return 1;
}

/** The assert tasks of every YAML file under a target's folder. */
export function targetAsserts(targetsDir: string, target: string): AssertSite[] {
  return yamlFiles(path.join(targetsDir, target)).flatMap((f) => assertSites(f, targetsDir));
}
