// apt_repository's one-line sources, as Ansible reads them: a line's source (whitespace collapsed), whether
// it is enabled (not commented out), the file name Ansible derives from the URL, and the edits of present
// and absent. Pure: no host.
import { inReleaseUrl } from '../lib/aptUpdate.ts';

/** The source types a one-line entry starts with. */
const SOURCE_TYPES = ['deb', 'deb-src'];

/** One line of a sources file as Ansible's _parse sees it. */
export interface SourceLine {
  valid: boolean;
  enabled: boolean;
  /** The entry with runs of whitespace made one space (what Ansible compares). */
  source: string;
  comment: string;
}

/** Ansible's _parse: a leading '#' disables the line, text after a later '#' is a comment. */
export function parseLine(line: string): SourceLine {
  let text = line.trim();
  let enabled = true;
  if (text.startsWith('#')) {
    enabled = false;
    text = text.slice(1);
  }
  let comment = '';
  const hash = text.indexOf('#');
  if (hash > 0) {
    comment = text.slice(hash + 1).trim();
    text = text.slice(0, hash);
  }
  const words = text.trim().split(/\s+/).filter(Boolean);
  const valid = words.length > 0 && SOURCE_TYPES.includes(words[0] ?? '');
  return { valid, enabled, source: valid ? words.join(' ') : text.trim(), comment };
}

/** The parts of a one-line entry apt reads: type, options, URI, suite and components. */
export interface OneLineSource {
  type: string;
  options: Map<string, string>;
  uri: string;
  suite: string;
  components: string[];
}

/** Splits a valid entry, or says why apt would refuse it. */
export function splitSource(source: string): OneLineSource | { problem: string } {
  const m = /^(deb|deb-src)\s+(?:\[([^\]]*)\]\s*)?(.*)$/.exec(source);
  if (!m) return { problem: `'${source}' is not a one-line apt source (deb or deb-src, [options], URI, suite, components)` };
  const options = new Map<string, string>();
  for (const opt of (m[2] ?? '').split(/\s+/).filter(Boolean)) {
    const eq = opt.indexOf('=');
    if (eq <= 0) return { problem: `option '${opt}' in '${source}' is not name=value` };
    options.set(opt.slice(0, eq).replace(/[+-]$/, ''), opt.slice(eq + 1));
  }
  const [uri, suite, ...components] = (m[3] ?? '').split(' ').filter(Boolean);
  if (uri === undefined || suite === undefined) return { problem: `'${source}' needs a URI and a suite` };
  if (uri.includes('[') || uri.includes(']')) return { problem: `the options of '${source}' are not one [ ... ] group after the type` };
  if (!/^[a-z][a-z0-9+.-]*:\S+$/i.test(uri)) return { problem: `'${uri}' is not a URI (e.g. http://deb.debian.org/debian)` };
  // apt: a suite ending in '/' is a flat repository, which takes no components; any other suite needs one.
  if (suite.endsWith('/') && components.length > 0)
    return { problem: `suite '${suite}' is a flat repository path (ends in '/'), which takes no components` };
  if (!suite.endsWith('/') && components.length === 0)
    return { problem: `'${source}' needs at least one component after the suite (e.g. main)` };
  return { type: m[1] ?? 'deb', options, uri, suite, components };
}

/** The InRelease URL apt fetches for the entry. */
export function sourceInRelease(s: OneLineSource): string {
  return inReleaseUrl(s.uri, s.suite);
}

/**
 * Ansible's _suggest_filename: options and `scheme://` dropped, the first word after the type (user:password@
 * dropped), every run of other characters than [A-Za-z0-9] made one '_', then `.list`.
 */
export function suggestFilename(source: string): string {
  const line = source.replace(/\[[^\]]+\]/g, '').replace(/\w+:\/\//g, '');
  const parts = line.split(/\s+/).filter((p) => p !== '' && !SOURCE_TYPES.includes(p));
  const first = (parts[0] ?? '').split('@').slice(-1)[0] ?? '';
  return `${first
    .replace(/[^a-zA-Z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .join('_')}.list`;
}

/** One sources file's text, and how present or absent would leave it. */
export interface FileEdit {
  before: string;
  /** Undefined: the file is deleted (absent left no line in it). */
  after: string | undefined;
  /** A line was appended: the file gets the task's mode, as Ansible sets it on files it adds a source to. */
  appended: boolean;
}

/** Ansible's line of an enabled entry with its comment. */
function render(source: string, comment: string): string {
  return comment ? `${source} # ${comment}` : source;
}

// Lines with their endings, so a file is written back as it was apart from the lines edited.
function lines(text: string): string[] {
  return text === '' ? [] : (text.match(/[^\n]*\n|[^\n]+$/g) ?? []);
}

/**
 * state: present. Every commented-out line with the same source is enabled again (Ansible's
 * _add_valid_source); when no line of any file has it, it is appended to `target`.
 * Returns the files that change, by path. Lines not edited are kept byte for byte.
 */
export function presentEdits(files: Map<string, string>, source: string, target: string): Map<string, FileEdit> {
  const out = new Map<string, FileEdit>();
  let found = false;
  for (const [path, text] of files) {
    let changed = false;
    const next = lines(text).map((l) => {
      const p = parseLine(l);
      if (!p.valid || p.source !== source) return l;
      found = true;
      if (p.enabled) return l;
      changed = true;
      return `${render(p.source, p.comment)}${l.endsWith('\n') ? '\n' : ''}`;
    });
    if (changed) out.set(path, { before: text, after: next.join(''), appended: false });
  }
  if (found) return out;
  const before = files.get(target) ?? '';
  const sep = before === '' || before.endsWith('\n') ? '' : '\n';
  out.set(target, { before, after: `${before}${sep}${source}\n`, appended: true });
  return out;
}

/**
 * state: absent. Every enabled line with the same source is removed (commented-out ones stay, as in
 * Ansible's _remove_valid_source); a file left without any line is deleted.
 */
export function absentEdits(files: Map<string, string>, source: string): Map<string, FileEdit> {
  const out = new Map<string, FileEdit>();
  for (const [path, text] of files) {
    const all = lines(text);
    const kept = all.filter((l) => {
      const p = parseLine(l);
      return !(p.valid && p.enabled && p.source === source);
    });
    if (kept.length === all.length) continue;
    out.set(path, { before: text, after: kept.length === 0 ? undefined : kept.join(''), appended: false });
  }
  return out;
}
