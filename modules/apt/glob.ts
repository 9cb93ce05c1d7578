// apt `name` globs: a name with fnmatch's `*`, `?` or `[...]` stands for every package apt knows whose name
// matches, as Ansible's apt expands it (expand_pkgspec_from_fnmatches) against the package cache. The names
// come from `apt-cache pkgnames` (real packages, not virtual ones), read with the literal prefix of each glob.
// Differences from Ansible: a glob with `:arch` matches its name part against apt's names and keeps the
// architecture as written (Ansible matches `name:arch` against the foreign architecture's packages); a
// glob in the architecture itself is refused.
import { shellCommand } from '../../engine/quote.ts';
import type { PackageSpec } from './request.ts';

// fnmatch's special characters (none of them is allowed in a Debian package name).
const GLOB_CHARS = /[*?[\]!]/;

/** Whether a requested name is a glob. */
export function isGlob(spec: PackageSpec): boolean {
  return GLOB_CHARS.test(spec.name);
}

/** The literal text before a glob's first special character: what `apt-cache pkgnames` is given. */
function literalPrefix(name: string): string {
  const at = name.search(GLOB_CHARS);
  return at < 0 ? name : name.slice(0, at);
}

/** The read that lists the package names the globs can match: one `apt-cache pkgnames` per distinct prefix. */
export function pkgnamesCommand(globs: readonly PackageSpec[]): string {
  const prefixes = [...new Set(globs.map((g) => literalPrefix(g.name.replace(/:.*$/, ''))))];
  // An empty prefix lists every name, which covers the others.
  const asked = prefixes.includes('') ? [''] : prefixes;
  return ['export LC_ALL=C', ...asked.map((p) => (p ? shellCommand('apt-cache', 'pkgnames', '--', p) : 'apt-cache pkgnames'))].join('\n');
}

/** Python's fnmatch on a package name: `*`, `?`, `[seq]`, `[!seq]`, the whole name, case-sensitive. */
export function fnmatchName(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) out += '\\[';
      else {
        let body = pattern.slice(i + 1, end);
        const negate = body.startsWith('!');
        if (negate) body = body.slice(1);
        out += `[${negate ? '^' : ''}${body.replace(/[\\^\]]/g, '\\$&')}]`;
        i = end;
      }
    } else out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, 's');
}

/**
 * The specs with each glob replaced by the names it matches (sorted, without the glob's version, as
 * Ansible drops it), or Ansible's message for a glob that matches nothing.
 */
export function expandGlobs(specs: readonly PackageSpec[], known: readonly string[]): { specs: PackageSpec[] } | { error: string } {
  const out: PackageSpec[] = [];
  for (const spec of specs) {
    if (!isGlob(spec)) {
      out.push(spec);
      continue;
    }
    const colon = spec.name.indexOf(':');
    const pattern = colon < 0 ? spec.name : spec.name.slice(0, colon);
    const arch = colon < 0 ? '' : spec.name.slice(colon);
    if (GLOB_CHARS.test(arch)) return { error: `${spec.name}: fleetplay does not expand a glob in the architecture; name it` };
    const re = fnmatchName(pattern);
    const matches = [...new Set(known.filter((n) => re.test(n)))].sort();
    if (matches.length === 0) return { error: `No package(s) matching '${spec.name}' available` };
    for (const m of matches) out.push({ name: `${m}${arch}`, arg: `${m}${arch}` });
  }
  // A name both matched and named (or matched twice) is asked once.
  const seen = new Set<string>();
  return { specs: out.filter((s) => !seen.has(s.arg) && seen.add(s.arg)) };
}
