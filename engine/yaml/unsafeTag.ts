// The `!unsafe` YAML tag: a string Ansible never templates. fleetplay renders every argument, so the text
// is kept literal by wrapping its template markers in Jinja's {% raw %}: rendering gives the text back
// exactly once (a later render of the result would template it, where Ansible's stays unsafe for good).
import type { ScalarTag } from 'yaml';

const MARKERS = /\{\{|\{%|\{#/;
const END_RAW = /\{%-?\s*endraw\s*-?%\}/g;

/** Custom tag for `key: !unsafe '{{ not a template }}'`. */
export const unsafeTag: ScalarTag = {
  tag: '!unsafe',
  identify: () => false,
  resolve(text) {
    if (!MARKERS.test(text)) return text;
    // An endraw inside the text is emitted as an expression that prints it.
    const pieces = text.split(END_RAW);
    const ends = text.match(END_RAW) ?? [];
    return pieces.map((p, i) => `{% raw %}${p}{% endraw %}${i < ends.length ? `{{ ${JSON.stringify(ends[i])} }}` : ''}`).join('');
  },
};
