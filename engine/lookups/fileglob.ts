// lookup('fileglob', 'conf.d/*.conf') and with_fileglob: the controller files whose names match a pattern.
// The folder part is searched as copy's src (files/ first); a bare pattern is tried in the role's, the task
// file's and the playbook's folders (and their files/), the first folder with matches winning, as Ansible.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { problem } from '../expr/error.ts';
import { findInSearchPath, isRegularFile, searchCandidates } from './search.ts';
import { stringTerm, type LookupPlugin } from './types.ts';

/** Longest pattern fileglob accepts (the pattern becomes a regular expression). */
const MAX_PATTERN = 1024;

/** fileglob: the matching regular files, each folder's matches sorted by name. */
export const fileglobLookup: LookupPlugin = {
  options: [],
  run(terms, _options, place) {
    const out: string[] = [];
    for (const term of terms) {
      const pattern = stringTerm(term, 'fileglob');
      if (pattern.length > MAX_PATTERN) problem(`fileglob pattern is longer than ${MAX_PATTERN} characters`);
      const base = path.basename(pattern);
      const dir = path.dirname(pattern);
      const folders =
        base !== pattern
          ? [findInSearchPath(dir, 'files', place)].filter((d): d is string => d !== undefined)
          : [...new Set(searchCandidates(base, 'files', place).map(path.dirname))];
      const match = globRegex(base);
      for (const folder of folders) {
        const found = entries(folder)
          .filter((name) => match.test(name) && (base.startsWith('.') || !name.startsWith('.')))
          .map((name) => path.join(folder, name))
          .filter(isRegularFile);
        if (found.length > 0) {
          out.push(...found);
          break;
        }
      }
    }
    return out;
  },
};

function entries(folder: string): string[] {
  try {
    return readdirSync(folder).sort();
  } catch {
    return [];
  }
}

/** Python's fnmatch: `*`, `?`, `[abc]`, `[!abc]`; everything else literal. */
export function globRegex(pattern: string): RegExp {
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
