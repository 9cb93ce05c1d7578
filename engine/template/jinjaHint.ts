// The hint added to a template syntax error when the text looks like Jinja (`{{ x | default("y") }}`).

/** The hint for a syntax error in `text`: a sentence in parentheses when a `|` follows `{{` before any `}`, else ''. */
export function jinjaFilterHint(text: string): string {
  return hasFilterBar(text)
    ? ' (Jinja filters like \'{{ x | default("y") }}\' are written as Handlebars helpers: \'{{default x "y"}}\')'
    : '';
}

// One pass instead of /\{\{[^}]*\|/: that regex rescans the rest of the text from every `{{`, which took
// seconds on 64 KiB of `{{` with no `}` (a syntax error whose message was being built).
function hasFilterBar(text: string): boolean {
  let open = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '}') open = false;
    else if (c === '{' && text[i + 1] === '{') open = true;
    else if (c === '|' && open) return true;
  }
  return false;
}
