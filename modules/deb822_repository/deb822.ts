// deb822 apt sources: the file a repository is written to, and its stanza text.
import { inReleaseUrl, SOURCES_DIR } from '../lib/aptUpdate.ts';
import { listWordProblem, oneLineProblem } from '../lib/argumentRules.ts';

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
}

export { SOURCES_DIR };

/** The file name for a repository name, as Ansible derives it: lower case, anything else than [a-z0-9.-] becomes '_'. */
export function sourcesFileName(name: string): string {
  return `${name.toLowerCase().replace(/[^a-z0-9.-]+/g, '_')}.sources`;
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

/** The stanza text apt reads, ending in a newline. Field order is fixed so equal sources render equal. */
export function renderSource(s: Deb822Source): string {
  const lines: string[] = [`X-Repolib-Name: ${s.name}`];
  const list = (field: string, values: string[]) => values.length > 0 && lines.push(`${field}: ${values.join(' ')}`);
  const bool = (field: string, value: boolean | undefined) => value !== undefined && lines.push(`${field}: ${value ? 'yes' : 'no'}`);
  list('Types', s.types);
  list('URIs', s.uris);
  list('Suites', s.suites);
  list('Components', s.components);
  list('Architectures', s.architectures);
  list('Languages', s.languages);
  if (s.signedBy !== undefined) lines.push(`Signed-By: ${signedByValue(s.signedBy)}`);
  bool('Trusted', s.trusted);
  bool('PDiffs', s.pdiffs);
  bool('By-Hash', s.byHash);
  // Enabled is written only when false: apt's default is yes.
  if (s.enabled === false) lines.push('Enabled: no');
  return `${lines.join('\n')}\n`;
}

// A multi-line field continues on lines that start with a space; an empty line inside is " .".
function signedByValue(key: string): string {
  if (key.startsWith('/')) return key;
  // Any line break (\r\n, \n or a lone \r) ends a line: every line is indented, so none starts a field.
  const body = key
    .trim()
    .split(/\r\n|\r|\n/)
    .map((l) => (l.trim() === '' ? ' .' : ` ${l.trimEnd()}`));
  return `\n${body.join('\n')}`;
}

/** The InRelease URL apt fetches first for each URI and suite (dists/<suite>/ or, for a flat suite, the path itself). */
export function inReleaseUrls(s: Deb822Source): string[] {
  return s.uris.flatMap((uri) => s.suites.map((suite) => inReleaseUrl(uri, suite)));
}
