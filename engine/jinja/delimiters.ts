// Jinja2's tag delimiters, which a template task (`variable_start_string`, …) or a `#jinja2:` override line may
// change: `{{ }}` for output, `{% %}` for statements, `{# #}` for comments.

/** The six delimiter strings of a Jinja2 environment. */
export interface Delimiters {
  variableStart: string;
  variableEnd: string;
  blockStart: string;
  blockEnd: string;
  commentStart: string;
  commentEnd: string;
}

/** Jinja2's defaults. */
export const DEFAULT_DELIMITERS: Delimiters = {
  variableStart: '{{',
  variableEnd: '}}',
  blockStart: '{%',
  blockEnd: '%}',
  commentStart: '{#',
  commentEnd: '#}',
};

/** Ansible's (and Jinja2's) names of the delimiter settings, with the field each sets. */
export const DELIMITER_SETTINGS: ReadonlyMap<string, keyof Delimiters> = new Map([
  ['variable_start_string', 'variableStart'],
  ['variable_end_string', 'variableEnd'],
  ['block_start_string', 'blockStart'],
  ['block_end_string', 'blockEnd'],
  ['comment_start_string', 'commentStart'],
  ['comment_end_string', 'commentEnd'],
]);

/** The defaults with `given` over them; an empty delimiter is refused (Jinja2 could never match it). */
export function delimitersOf(given: Partial<Delimiters> | undefined): Delimiters {
  const out = { ...DEFAULT_DELIMITERS, ...given };
  for (const [setting, field] of DELIMITER_SETTINGS) if (out[field] === '') throw new Error(`${setting} must not be empty`);
  return out;
}

/** A short key for caches: the delimiters joined, or '' for the defaults. */
export function delimitersKey(d: Delimiters): string {
  const values = Object.values(d);
  return values.every((v, i) => v === Object.values(DEFAULT_DELIMITERS)[i]) ? '' : JSON.stringify(values);
}

/** The patterns of `{% raw %}` and `{% endraw %}` for these delimiters. */
export interface RawPatterns {
  begin: RegExp;
  endTrim: RegExp;
  endKeep: RegExp;
}

const rawCache = new Map<string, RawPatterns>();

/** The raw-block patterns for `d` (cached). */
export function rawPatterns(d: Delimiters): RawPatterns {
  const key = `${d.blockStart}\u0000${d.blockEnd}`;
  let found = rawCache.get(key);
  if (!found) {
    const bs = escapeRegExp(d.blockStart);
    const be = escapeRegExp(d.blockEnd);
    found = {
      begin: new RegExp(`${bs}([-+]?)\\s*raw\\s*(?:-${be}\\s*|${be})`, 'y'),
      endTrim: new RegExp(`${bs}([-+]?)\\s*endraw\\s*(?:\\+${be}|-${be}\\s*|${be}\\n?)`, 'g'),
      endKeep: new RegExp(`${bs}([-+]?)\\s*endraw\\s*(?:\\+${be}|-${be}\\s*|${be})`, 'g'),
    };
    if (rawCache.size > 64) rawCache.clear();
    rawCache.set(key, found);
  }
  return found;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
