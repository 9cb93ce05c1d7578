// Applies --limit: narrows a host list with a pattern, whose elements may name files of patterns (`@file`).
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { MAX_SOURCE_BYTES, readControllerFile } from '../controllerFile.ts';
import { FleetError } from '../errors.ts';
import { decodeUtf8 } from '../yaml/source.ts';
import type { Inventory } from '../types.ts';
import { siteInText } from './error.ts';
import type { PatternElement } from './pattern-syntax.ts';
import { splitHostPattern } from './pattern-syntax.ts';
import { evaluatePattern } from './patterns.ts';

/** `hosts` (order kept) that also match `limit`; `@file` reads one pattern per line, relative to the cwd. */
export function limitHosts(inv: Inventory, hosts: string[], limit: string): string[] {
  const elements: PatternElement[] = [];
  let fromFiles = false;
  for (const text of splitHostPattern(limit, (name) => inv.hosts.has(name))) {
    if (text.startsWith('@')) {
      elements.push(...readLimitFile(text.slice(1)));
      fromFiles = true;
    } else {
      elements.push({ text });
    }
  }
  // An empty limit file limits to nothing (Ansible would silently apply no limit at all).
  if (elements.length === 0 && fromFiles) return [];
  const allowed = evaluatePattern(inv, elements, limit);
  return hosts.filter((host) => allowed.has(host));
}

// One element per non-blank, non-comment line, each remembering its line and column for errors.
function readLimitFile(name: string): PatternElement[] {
  if (name === '') throw new FleetError('arguments', `--limit '@' needs a file name`);
  const file = resolve(name);
  let source: string;
  try {
    statSync(file);
  } catch (err) {
    throw new FleetError('arguments', `cannot read limit file ${name}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  // Only a regular file, bounded: a FIFO would block the controller forever.
  source = decodeUtf8(readControllerFile(file, { what: 'limit file', maxBytes: MAX_SOURCE_BYTES }), name, 'arguments');
  const elements: PatternElement[] = [];
  source.split(/\r\n|\r|\n/).forEach((raw, index) => {
    const text = raw.trim();
    if (text === '' || text.startsWith('#')) return;
    const column = raw.length - raw.trimStart().length + 1;
    elements.push({ text, site: siteInText(name, source, index + 1, column) });
  });
  return elements;
}
