// Keys, values and the lines of a sysctl file.

/** The /proc/sys path of a key: dots separate, unless the first separator is a slash (then dots are literal). */
export function keyPath(name: string): string {
  const firstSep = name.search(/[./]/);
  if (firstSep < 0 || name[firstSep] === '/') return name;
  return name.replace(/[./]/g, (c) => (c === '.' ? '/' : '.'));
}

/**
 * A value as the kernel prints it: booleans as 1/0, runs of whitespace as one space. Ansible's
 * _parse_value maps the words of its BOOLEANS_TRUE/FALSE (y, yes, on, true, t / n, no, off, false, f) too.
 */
export function normalizeValue(v: unknown): string {
  if (typeof v === 'boolean') return v ? '1' : '0';
  const s = String(v ?? '').trim();
  const lower = s.toLowerCase();
  if (['y', 'yes', 'on', 'true', 't'].includes(lower)) return '1';
  if (['n', 'no', 'off', 'false', 'f'].includes(lower)) return '0';
  return s.split(/\s+/).join(' ');
}

/** A switch argument (boolean, boolean word or 0/1, as the schema admits) as a boolean; `fallback` when absent. */
export function flag(v: boolean | number | string | undefined, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v === 1;
  return normalizeValue(v) === '1';
}

/** The key of a sysctl file line, as a /proc/sys path, or undefined for comments and blank lines. */
function lineKey(line: string): { path: string; value: string } | undefined {
  const t = line.trim();
  if (t === '' || t.startsWith('#') || t.startsWith(';')) return undefined;
  const eq = t.indexOf('=');
  if (eq < 0) return undefined;
  const key = t.slice(0, eq).trim().replace(/^-/, '');
  return { path: keyPath(key), value: t.slice(eq + 1).trim() };
}

/** A key a file sets (a leading '-' dropped: procps 4.0 still fails on such a line's unknown or read-only key). */
export interface FileKey {
  name: string;
  path: string;
  value: string;
}

/** The keys a file sets, in order, one per /proc/sys path (the last line wins, as sysctl -p applies them in order). */
export function fileKeys(text: string): FileKey[] {
  const out = new Map<string, FileKey>();
  for (const line of text.split('\n')) {
    const k = lineKey(line);
    if (!k) continue;
    const raw = line.trim();
    out.delete(k.path);
    out.set(k.path, { name: raw.slice(0, raw.indexOf('=')).trim().replace(/^-/, ''), path: k.path, value: normalizeValue(k.value) });
  }
  return [...out.values()];
}

/** The file text with exactly one `name=value` line for the key (the first one is replaced in place). */
export function setLine(text: string, name: string, value: string): string {
  const path = keyPath(name);
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const matches = lines.map((l, i) => ({ i, k: lineKey(l) })).filter((m) => m.k?.path === path);
  if (matches.length === 1 && normalizeValue(matches[0]!.k!.value) === value) return text;
  const out: string[] = [];
  let placed = false;
  for (const l of lines) {
    if (lineKey(l)?.path !== path) out.push(l);
    else if (!placed) {
      out.push(`${name}=${value}`);
      placed = true;
    }
  }
  if (!placed) out.push(`${name}=${value}`);
  return `${out.join('\n')}\n`;
}

/** The file text without any line for the key. */
export function removeLines(text: string, name: string): string {
  const path = keyPath(name);
  const lines = text.split('\n');
  const kept = lines.filter((l) => lineKey(l)?.path !== path);
  return kept.length === lines.length ? text : kept.join('\n');
}
