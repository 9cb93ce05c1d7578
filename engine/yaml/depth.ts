// A linear pre-scan of YAML text for nesting deeper than any playbook, inventory or vars file needs.
// The yaml package parses nesting by recursion; thousands of levels (`[[[[…`, `- - - …`) exhaust the
// stack, and V8 then aborted the whole process once ("RegExpCompiler Allocation failed", a regex first
// compiled while the stack was nearly gone) instead of the package reporting the overflow. Refusing such
// text before parsing turns it into a located error.

/** Deepest nesting accepted: flow collections (`[`, `{`) plus compact block entries (`- - x`) on one line. */
export const MAX_NESTING = 256;

/** The offset where nesting first exceeds MAX_NESTING, or undefined. Quoted scalars and comments are skipped. */
export function excessiveNesting(text: string): number | undefined {
  let flow = 0;
  let lineStart = true;
  let compact = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') {
      lineStart = true;
      compact = 0;
      continue;
    }
    if (c === "'" || c === '"') {
      i = closingQuote(text, i);
      lineStart = false;
      continue;
    }
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      const end = text.indexOf('\n', i);
      if (end < 0) return undefined;
      i = end - 1;
      continue;
    }
    if (c === '[' || c === '{') {
      if (++flow > MAX_NESTING) return i;
    } else if (c === ']' || c === '}') {
      if (flow > 0) flow--;
    } else if (lineStart && (c === '-' || c === '?' || c === ':') && (text[i + 1] === ' ' || text[i + 1] === '\t')) {
      // `- - - x` and `? ? x` nest one block level per indicator on the same line.
      if (++compact > MAX_NESTING) return i;
      i++;
    } else if (c !== ' ' && c !== '\t') {
      lineStart = false;
    }
  }
  return undefined;
}

// Index of the quote closing the one at `open` ('' escapes ' in single quotes, \ escapes in double), or the end.
function closingQuote(text: string, open: number): number {
  const q = text[open];
  for (let i = open + 1; i < text.length; i++) {
    if (q === '"' && text[i] === '\\') i++;
    else if (text[i] === q) {
      if (q === "'" && text[i + 1] === "'") i++;
      else return i;
    }
  }
  return text.length;
}
