// Loads YAML the way Ansible reads it (YAML 1.1: 0644 is octal, yes/no are booleans), keeping node positions.
import { LineCounter, Parser, parseDocument, isNode, type Document, type Node, type Tags } from 'yaml';
import { FleetError, excerptAt, type ErrorKind } from '../errors.ts';
import type { SourceLocation } from '../types.ts';
import { registerVaultLeaves } from '../vault/index.ts';
import { pyTags } from './scalars.ts';
import { readSourceFile } from './source.ts';
import { findStructureProblem } from './structure.ts';
import { unsafeTag } from './unsafeTag.ts';
import { vaultTag } from './vaultTag.ts';
import { MAX_NESTING, excessiveNesting } from './depth.ts';

const customTags = (tags: Tags): Tags => [...pyTags(tags), vaultTag, unsafeTag];

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

/** Parses YAML text; syntax and structure errors become FleetError(kind) with file:line:column. */
export function parseYaml(source: string, file: string, kind: ErrorKind): YamlFile {
  const lineCounter = new LineCounter();
  // A BOM that reached here (text not read by readSourceFile) is not content either.
  const text = source.startsWith('\uFEFF') ? source.slice(1) : source;
  const fail = (offset: number, message: string): never => {
    const pos = lineCounter.linePos(offset);
    throw new FleetError(kind, message, {
      location: { file, line: pos.line, column: pos.col },
      excerpt: excerptAt(text, pos.line, pos.col),
    });
  };
  const tooDeep = excessiveNesting(text);
  if (tooDeep !== undefined) {
    // Nothing is parsed yet, so the line counter is empty: the position is counted here.
    const before = text.slice(0, tooDeep).split('\n');
    const [line, column] = [before.length, (before[before.length - 1] ?? '').length + 1];
    throw new FleetError(kind, `YAML error: the document is nested too deeply to parse (more than ${MAX_NESTING} levels)`, {
      location: { file, line, column },
      excerpt: excerptAt(text, line, column),
    });
  }
  let doc: Document;
  try {
    doc = parseDocument(text, {
      version: '1.1',
      customTags,
      lineCounter,
      prettyErrors: false,
      // Duplicate keys are found by findStructureProblem in linear time; the package's check is quadratic.
      uniqueKeys: false,
    });
  } catch (err) {
    // The yaml package's parser recurses on some inputs (a long run of lines it cannot fit into the structure).
    if (!(err instanceof RangeError)) throw err;
    // The line counter stopped where parsing did, so the position is counted here.
    const offset = overflowOffset(text);
    const before = text.slice(0, offset).split('\n');
    const line = before.length;
    const column = (before[before.length - 1] ?? '').length + 1;
    throw new FleetError(kind, 'YAML error: the document is nested too deeply to parse', {
      location: { file, line, column },
      excerpt: excerptAt(text, line, column),
    });
  }
  const problem = doc.errors[0];
  if (problem) {
    const first = problem.message.split('\n')[0] ?? problem.message;
    // The package catches its own stack overflow on deep flow nesting and reports the engine's words.
    const message = /call stack/i.test(first) ? 'the document is nested too deeply to parse' : first;
    fail(problem.pos[0], problem.code === 'TAG_RESOLVE_FAILED' ? message : `YAML syntax error: ${message}`);
  }
  const structure = findStructureProblem(doc);
  if (structure) fail(structure.offset, `YAML error: ${structure.message}`);
  return {
    file,
    source: text,
    value: toPlainValue(doc, (message) => fail(0, `YAML error: ${message}`)),
    locate: (path, which = 'value') =>
      locateIn(doc, path, which, (offset) => {
        const pos = lineCounter.linePos(offset);
        return { file, line: pos.line, column: pos.col };
      }),
    excerpt: (loc) => excerptAt(text, loc.line, loc.column),
  };
}

// Where the yaml package's parser ran out of stack: parse again without composing, stopping at the overflow.
function overflowOffset(text: string): number {
  const parser = new Parser();
  try {
    for (const token of parser.parse(text)) void token;
  } catch {
    // The parser's offset now points into the line it could not take.
  }
  return Math.min(parser.offset, text.length);
}

// The structure check already bounded alias expansion; anything the yaml package still refuses is bad input too.
function toPlainValue(doc: Document, fail: (message: string) => never): unknown {
  try {
    return doc.toJS({ maxAliasCount: -1 }) as unknown;
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
}

/**
 * Reads and parses a YAML file (strict UTF-8, vault-encrypted files decrypted, only a regular file up to
 * 16 MiB); errors are FleetError(kind), a refused file at `location` (where it was named) when given.
 */
export function loadYamlFile(file: string, kind: ErrorKind, location?: SourceLocation): YamlFile {
  const source = readSourceFile(file, kind, location);
  const yaml = parseYaml(source.text, file, kind);
  if (source.encrypted) registerVaultLeaves(yaml.value);
  return yaml;
}

function locateIn(
  doc: Document,
  path: ReadonlyArray<string | number>,
  which: 'key' | 'value',
  at: (offset: number) => SourceLocation,
): SourceLocation {
  let node: unknown = doc.contents;
  let keyNode: unknown;
  let best: unknown = node;
  for (const step of path) {
    if (!isNode(node) || !('items' in node)) break;
    const items = (node as { items: unknown[] }).items;
    let next: unknown;
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
