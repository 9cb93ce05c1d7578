// Loads YAML the way Ansible reads it (YAML 1.1: 0644 is octal, yes/no are booleans), keeping node positions.
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isNode, Scalar, type Document, type Node, type ScalarTag, type Tags } from 'yaml';
import { FleetError, excerptAt, type ErrorKind } from '../errors.ts';
import type { SourceLocation } from '../types.ts';

// PyYAML (which Ansible uses) reads yes/no/on/off/true/false as booleans but, unlike the YAML 1.1
// spec, not y/n: `loop_var: n` must stay the string "n".
const BOOL = 'tag:yaml.org,2002:bool';
const pyBool = (value: boolean, test: RegExp): ScalarTag => ({
  identify: (v) => v === value,
  default: true,
  tag: BOOL,
  test,
  resolve: () => new Scalar(value),
});
const pyTags = (tags: Tags): Tags => [
  ...tags.filter((t) => (t as ScalarTag).tag !== BOOL),
  pyBool(true, /^(?:[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/),
  pyBool(false, /^(?:[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/),
];

/** A parsed YAML file: its plain value plus a way to find where any part of it came from. */
export interface YamlFile {
  file: string;
  source: string;
  value: unknown;
  /** Location of the node at `path` (keys and indexes); falls back to the nearest existing parent. */
  locate(path: ReadonlyArray<string | number>, which?: 'key' | 'value'): SourceLocation;
  /** Source excerpt with a caret at `loc`. */
  excerpt(loc: SourceLocation): string;
}

/** Parses YAML text; syntax errors become FleetError(kind) with file:line:column. */
export function parseYaml(source: string, file: string, kind: ErrorKind): YamlFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, {
    version: '1.1',
    customTags: pyTags,
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
  });
  const problem = doc.errors[0];
  if (problem) {
    const pos = lineCounter.linePos(problem.pos[0]);
    const location = { file, line: pos.line, column: pos.col };
    const message = problem.message.split('\n')[0] ?? problem.message;
    throw new FleetError(kind, `YAML syntax error: ${message}`, { location, excerpt: excerptAt(source, pos.line, pos.col) });
  }
  const at = (offset: number): SourceLocation => {
    const pos = lineCounter.linePos(offset);
    return { file, line: pos.line, column: pos.col };
  };
  return {
    file,
    source,
    value: doc.toJS({ maxAliasCount: 1000 }) as unknown,
    locate: (path, which = 'value') => locateIn(doc, path, which, at),
    excerpt: (loc) => excerptAt(source, loc.line, loc.column),
  };
}

/** Reads and parses a YAML file; a missing file is a FleetError of the given kind. */
export function loadYamlFile(file: string, kind: ErrorKind): YamlFile {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (err) {
    throw new FleetError(kind, `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  return parseYaml(source, file, kind);
}

function locateIn(
  doc: Document,
  path: ReadonlyArray<string | number>,
  which: 'key' | 'value',
  at: (offset: number) => SourceLocation,
): SourceLocation {
  let node: unknown = doc.contents;
  let keyNode: unknown = undefined;
  let best: unknown = node;
  for (const step of path) {
    if (!isNode(node) || !('items' in node)) break;
    const items = (node as { items: unknown[] }).items;
    let next: unknown = undefined;
    keyNode = undefined;
    if (typeof step === 'number' && !isMapLike(node)) {
      next = items[step];
    } else {
      for (const pair of items as Array<{ key: unknown; value: unknown }>) {
        const k = isNode(pair.key) && 'value' in pair.key ? (pair.key as { value: unknown }).value : pair.key;
        if (String(k) === String(step)) {
          next = pair.value;
          keyNode = pair.key;
          break;
        }
      }
    }
    if (next === undefined || next === null) {
      if (keyNode) best = keyNode;
      break;
    }
    node = next;
    best = which === 'key' && keyNode && step === path[path.length - 1] ? keyNode : next;
  }
  const range = isNode(best) ? (best as Node).range : undefined;
  return at(range ? range[0] : 0);
}

function isMapLike(node: unknown): boolean {
  const items = (node as { items?: unknown[] }).items ?? [];
  return items.length > 0 && typeof items[0] === 'object' && items[0] !== null && 'key' in (items[0] as object);
}
