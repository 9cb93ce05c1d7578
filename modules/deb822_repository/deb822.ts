// deb822 apt sources: the file a repository is written to, and its stanza text.
import { inReleaseUrl, SOURCES_DIR } from '../lib/aptUpdate.ts';
import { listWordProblem, oneLineProblem } from '../lib/argumentRules.ts';
import { repoSlug } from './signedByUrl.ts';

/** signed_by: a keyring path on one line, or anything else without NUL (an armored key block has lines). */
export const SIGNED_BY_PATTERN = '^(/[^\\n\\r\\x00]*|[^/\\x00][^\\x00]*)$';

/** One repository as deb822 fields (lists are space-separated in the file). */
export interface Deb822Source {
  name: string;
  types: string[];
  uris: string[];
  suites: string[];
  components: string[];
  architectures: string[];
  languages: string[];
  /** A keyring path, or an armored key block embedded in the stanza. */
  signedBy?: string;
  enabled?: boolean;
  trusted?: boolean;
  pdiffs?: boolean;
  byHash?: boolean;
  /** Ansible's other deb822 options, by argument name (allow_insecure, date_max_future, targets, …). */
  options?: Record<string, boolean | number | string | string[]>;
}

export { SOURCES_DIR };

/** The file name for a repository name, as Ansible derives it (its slug: lower case, `_` and spaces become '-', other than [a-z0-9-] dropped). */
export function sourcesFileName(name: string): string {
  return `${repoSlug(name)}.sources`;
}

/** Problems that make a source unusable, before anything is written (empty when it is fine). */
export function sourceProblems(s: Deb822Source): string[] {
  const out: string[] = [];
  // Every value is (part of) one line of the file: a newline would write a field of its own.
  const file = `${SOURCES_DIR}/${sourcesFileName(s.name)}`;
  const lists = {
    types: s.types,
    uris: s.uris,
    suites: s.suites,
    components: s.components,
    architectures: s.architectures,
    languages: s.languages,
  };
  for (const [arg, items] of Object.entries(lists)) {
    for (const item of items) {
      const problem = listWordProblem(arg, item, file);
      if (problem) out.push(problem);
    }
  }
  const nameProblem = oneLineProblem('name', s.name, file);
  if (nameProblem) out.push(nameProblem);
  if (s.signedBy?.startsWith('/')) {
    const problem = oneLineProblem('signed_by', s.signedBy, file);
    if (problem) out.push(problem);
  }
  if (s.signedBy?.includes('\0')) out.push(`argument 'signed_by' contains a NUL character; refused before anything is written`);
  if (out.length > 0) return out;
  if (s.uris.length === 0) out.push('uris is required with state: present');
  if (s.suites.length === 0) out.push('suites is required with state: present');
  const flat = s.suites.filter((x) => x.endsWith('/'));
  if (flat.length > 0 && s.components.length > 0)
    out.push(`suite '${flat[0]}' is a flat repository path (ends in '/'), which takes no components`);
  if (flat.length === 0 && s.suites.length > 0 && s.components.length === 0)
    out.push('components is required unless the suite is a flat repository path ending in /');
  for (const u of s.uris)
    if (!/^[a-z][a-z0-9+.-]*:\S+$/i.test(u)) out.push(`uri '${u}' is not a URI (e.g. https://download.docker.com/linux/debian)`);
  const key = s.signedBy;
  if (key !== undefined && !key.startsWith('/') && !/-----BEGIN PGP PUBLIC KEY BLOCK-----/.test(key)) {
    out.push(
      /^[a-z]+:\/\//i.test(key)
        ? `signed_by '${key}' is a URL: fetch the key with apt_key (keyring: /etc/apt/keyrings/<name>.gpg) and name that file here`
        : `signed_by must be an absolute keyring path or an armored public key block, not '${key}'`,
    );
  }
  return out;
}

/**
 * The stanza text apt reads, ending in a newline, as Ansible writes it: one field per argument given, in
 * the order of the argument names (python-debian's Deb822 filled from sorted(params)), named as
 * Ansible's format_field_name (`name` is X-Repolib-Name, `uris` URIs, else Title-Case with '-'); lists
 * space-separated, booleans yes/no, a multi-line value (an armored key) on indented lines, '.' for empty ones.
 */
export function renderSource(s: Deb822Source): string {
  const fields: Record<string, boolean | number | string | string[] | undefined> = {
    ...s.options,
    architectures: s.architectures,
    by_hash: s.byHash,
    components: s.components,
    enabled: s.enabled,
    languages: s.languages,
    name: s.name,
    pdiffs: s.pdiffs,
    signed_by: s.signedBy,
    suites: s.suites,
    trusted: s.trusted,
    types: s.types,
    uris: s.uris,
  };
  const lines: string[] = [];
  for (const key of Object.keys(fields).sort()) {
    const value = fields[key];
    if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    const text = typeof value === 'boolean' ? (value ? 'yes' : 'no') : Array.isArray(value) ? value.join(' ') : String(value);
    lines.push(text.includes('\n') || /[\r]/.test(text) ? `${fieldName(key)}:${multiline(text)}` : `${fieldName(key)}: ${text}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Ansible's format_field_name. */
function fieldName(key: string): string {
  if (key === 'name') return 'X-Repolib-Name';
  if (key === 'uris') return 'URIs';
  return key.replace(/_/g, '-').replace(/[A-Za-z]+/g, (w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase());
}

/** Ansible's format_multiline: every line stripped and indented by four spaces, an empty one written '.'. */
function multiline(text: string): string {
  const body = text
    .trim()
    .split(/\r\n|\r|\n/)
    .map((l) => `    ${l.trim() || '.'}`);
  return `\n${body.join('\n')}`;
}

/** The InRelease URL apt fetches first for each URI and suite (dists/<suite>/ or, for a flat suite, the path itself). */
export function inReleaseUrls(s: Deb822Source): string[] {
  return s.uris.flatMap((uri) => s.suites.map((suite) => inReleaseUrl(uri, suite)));
}
