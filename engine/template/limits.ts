// Limits on a template's shape, checked by a linear scan before Handlebars parses it: Handlebars' parser
// slows down quadratically with nesting and overflows the stack near a thousand levels, and compiling costs
// about 0.1 ms per {{ }}, so a hostile or generated template could stall the controller for seconds.

/** Most `{{ }}` statements in one template. */
export const MAX_TEMPLATE_STATEMENTS = 5000;
/** Deepest nesting of blocks (`{{#if}}`, `{{else if}}` chains) plus subexpressions `( )` in one template. */
export const MAX_TEMPLATE_NESTING = 64;

/** Why `template` is refused, or undefined when its shape is within the limits. */
export function templateShapeProblem(template: string): string | undefined {
  let statements = 0;
  // One entry per open block: 1, plus one for each chained `{{else if ...}}`, all closed by one `{{/...}}`.
  const blocks: number[] = [];
  let depth = 0;
  for (let start = template.indexOf('{{'); start >= 0; start = template.indexOf('{{', start + 2)) {
    if (++statements > MAX_TEMPLATE_STATEMENTS) return `template has more than ${MAX_TEMPLATE_STATEMENTS} {{ }} statements`;
    let i = start + 2;
    while (template[i] === '{' || template[i] === '~' || template[i] === ' ' || template[i] === '\t' || template[i] === '\n') i++;
    const c = template[i];
    if (c === '!') {
      const close = template.indexOf(template.startsWith('!--', i) ? '--}}' : '}}', i);
      if (close < 0) return undefined;
      start = close;
      continue;
    }
    if (c === '#' || (c === '^' && !/^\^\s*~?\}\}/.test(template.slice(i, i + 6)))) {
      blocks.push(1);
      depth++;
    } else if (c === '/') {
      depth -= blocks.pop() ?? 0;
    } else if (/^else\s+[^\s}~]/.test(template.slice(i, i + 7)) && blocks.length > 0) {
      blocks[blocks.length - 1] = (blocks.at(-1) ?? 0) + 1;
      depth++;
    }
    // Each character is scanned once: the next statement is looked for after this one's `}}`.
    const end = template.indexOf('}}', i);
    if (end < 0) return undefined;
    if (depth + parenDepth(template, i, end) > MAX_TEMPLATE_NESTING) return `template nests blocks and ( ) more than ${MAX_TEMPLATE_NESTING} deep`;
    start = end;
  }
  return undefined;
}

// The deepest `( )` nesting in template[from, end); quoted strings are skipped.
function parenDepth(template: string, from: number, end: number): number {
  let depth = 0;
  let deepest = 0;
  for (let i = from; i < end; i++) {
    const c = template[i];
    if (c === '"' || c === "'") {
      const close = template.indexOf(c, i + 1);
      if (close < 0 || close >= end) break;
      i = close;
    } else if (c === '(') {
      deepest = Math.max(deepest, ++depth);
    } else if (c === ')') {
      depth--;
    }
  }
  return deepest;
}
