// Collects validation problems so one run reports all of them, each with its location.
import { MAX_SOURCE_BYTES, readControllerFile } from '../controllerFile.ts';
import { FleetError, excerptAt } from '../errors.ts';
import type { SourceLocation } from '../types.ts';
import type { YamlFile } from '../yaml/load.ts';

/** One problem found while loading. */
export interface Problem {
  message: string;
  location: SourceLocation;
  excerpt: string;
  /** Ansible's own words for an argument problem, where a task written to fail may assert on them. */
  ansible?: string;
}

/** A list of problems; `throwIfAny` turns them into one FleetError. */
export class Problems {
  readonly list: Problem[] = [];

  /** Records a problem at `path` inside `yaml`. */
  add(yaml: YamlFile, path: ReadonlyArray<string | number>, message: string, which: 'key' | 'value' = 'value', ansible?: string): void {
    const location = yaml.locate(path, which);
    this.list.push({ message, location, excerpt: yaml.excerpt(location), ...(ansible !== undefined ? { ansible } : {}) });
  }

  /**
   * Records a problem at character `offset` of the string `text` found at `path`: the column moves
   * along the line when the YAML writes the string plainly or in simple quotes on one line, and stays
   * at the start of the value otherwise (block scalars, escapes).
   */
  addInString(yaml: YamlFile, path: ReadonlyArray<string | number>, text: string, offset: number | undefined, message: string): void {
    const start = yaml.locate(path);
    let location = start;
    if (offset !== undefined && offset >= 0 && offset <= text.length) {
      const line = yaml.source.split('\n')[start.line - 1] ?? '';
      const rest = line.slice(start.column - 1);
      const head = text.slice(0, offset + 1);
      if (rest.startsWith(head)) location = { ...start, column: start.column + offset };
      else if (/^["']/.test(rest) && rest.slice(1).startsWith(head)) location = { ...start, column: start.column + 1 + offset };
    }
    this.list.push({ message, location, excerpt: yaml.excerpt(location) });
  }

  /** Records a problem at a known location, reading the excerpt from that file. */
  at(location: SourceLocation, message: string): void {
    let excerpt = '';
    try {
      // Through the bounded reader: the file may have been swapped for a FIFO since it was parsed.
      excerpt = excerptAt(
        readControllerFile(location.file, { what: 'file', maxBytes: MAX_SOURCE_BYTES }).toString('utf8'),
        location.line,
        location.column,
      );
    } catch {
      // No excerpt when the file cannot be read again; the location still says where.
    }
    this.list.push({ message, location, excerpt });
  }

  /** Records a problem that already carries its location (e.g. a nested FleetError). */
  addError(err: FleetError): void {
    this.list.push({
      message: err.message,
      location: err.location ?? { file: '?', line: 0, column: 0 },
      excerpt: err.excerpt ?? '',
    });
  }

  /** Every problem as `file:line:col: message` with its excerpt, in reading order. */
  format(): string {
    return this.inReadingOrder()
      .map((p) => `${p.location.file}:${p.location.line}:${p.location.column}: ${p.message}\n${p.excerpt}`)
      .join('\n');
  }

  /** Throws a FleetError listing every problem, the first one carrying the location. */
  throwIfAny(): void {
    const sorted = this.inReadingOrder();
    const first = sorted[0];
    if (!first) return;
    const rest = sorted.slice(1).map((p) => `\n${p.location.file}:${p.location.line}:${p.location.column}: ${p.message}\n${p.excerpt}`);
    const more = rest.length ? `\n(${sorted.length} problems)${rest.join('')}` : '';
    throw new FleetError('playbook', first.message, { location: first.location, excerpt: `${first.excerpt}${more}` });
  }

  /** The problems as a reader meets them: files in the order first seen, then by line and column; no repeats. */
  inReadingOrder(): Problem[] {
    const fileOrder = new Map<string, number>();
    for (const p of this.list) if (!fileOrder.has(p.location.file)) fileOrder.set(p.location.file, fileOrder.size);
    const seen = new Set<string>();
    const unique = this.list.filter((p) => {
      const key = `${p.location.file}:${p.location.line}:${p.location.column}:${p.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    // Array.prototype.sort is stable: problems at the same place keep the order they were found in.
    return unique.sort(
      (a, b) =>
        fileOrder.get(a.location.file)! - fileOrder.get(b.location.file)! ||
        a.location.line - b.location.line ||
        a.location.column - b.location.column,
    );
  }
}
