// The `!unsafe` YAML tag: a text that is data, never a template (Ansible's AnsibleUnsafeText). It is kept as a
// Jinja raw block, which renders to the text itself wherever templates render; a scope that renders such a
// value does not render the result again (engine/template/scope.ts).
import type { ScalarTag } from 'yaml';

const OPEN = '{% raw %}';
const CLOSE = '{% endraw %}';

/** `text` as a template that renders to exactly `text` (unchanged when it holds no template markers). */
export function unsafeLiteral(text: string): string {
  if (!/\{[{%#]/.test(text)) return text;
  // The `{%` of an endraw tag inside the text is written as a string expression between two raw blocks.
  return `${OPEN}${text.replace(/\{%(?=[-+]?\s*endraw)/g, `${CLOSE}{{ '{%' }}${OPEN}`)}${CLOSE}`;
}

/** True when `value` is one raw block and nothing else: it renders to literal text, never to be templated again. */
export function isRawLiteral(value: string): boolean {
  return value.startsWith(OPEN) && value.endsWith(CLOSE) && value.indexOf(CLOSE) === value.length - CLOSE.length;
}

/** Custom tag for `key: !unsafe '{{ not a template }}'`. */
export const unsafeTag: ScalarTag = {
  tag: '!unsafe',
  identify: () => false,
  resolve: (text) => unsafeLiteral(text),
};
