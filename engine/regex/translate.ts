// Translates a Python `re` pattern into RE2 syntax (refusing what a linear-time engine cannot do), or into
// JavaScript RegExp syntax (`u` mode) for the backtracking fallback: backreferences and lookaround.
import { EscapeReader } from './escapes.ts';
import { DIALECTS, JS_CARET, JS_DOLLAR, JS_DOT, PatternRefusal, needsBacktracking, refuse, unsupported, type Target } from './syntax.ts';

export { PatternRefusal, type Target };

/** Inline flags a translated pattern starts with (Python's global flags, and those of the caller). */
export interface PatternFlags {
  ignorecase: boolean;
  multiline: boolean;
  dotall: boolean;
}

/** The source of a Python pattern for the target, the global flags it set with a leading `(?imsx)`, its groups. */
export interface Translation {
  source: string;
  flags: PatternFlags;
  /** Number of capturing groups, and the number of each named one. */
  groupCount: number;
  names: ReadonlyArray<[string, number]>;
}

/** One open parenthesis: the group's number (0 when it does not capture) and the scoped flags outside it. */
interface Open {
  group: number;
  outer: { dotall: boolean; multiline: boolean };
}

/**
 * Translates `pattern` for `target`; throws PatternRefusal for refused features and for patterns Python rejects.
 * `initial` holds the caller's flags, which the JavaScript spelling of `.`, `^` and `$` depends on.
 */
export function translatePattern(pattern: string, target: Target = 're2', initial: Partial<PatternFlags> = {}): Translation {
  return new Translator(pattern, target, initial).run();
}

class Translator extends EscapeReader {
  private out = '';
  private verbose = false;
  private readonly flags: PatternFlags = { ignorecase: false, multiline: false, dotall: false };
  /** DOTALL and MULTILINE where the translator stands (scoped groups change them; JavaScript needs them). */
  private scope = { dotall: false, multiline: false };
  private readonly open: Open[] = [];
  private readonly closed = new Set<number>();
  private groups = 0;
  private readonly names: Array<[string, number]> = [];

  constructor(
    p: string,
    target: Target,
    private readonly initial: Partial<PatternFlags>,
  ) {
    super(p, DIALECTS[target], target === 'js');
  }

  run(): Translation {
    this.leadingFlags();
    this.scope = {
      dotall: this.flags.dotall || this.initial.dotall === true,
      multiline: this.flags.multiline || this.initial.multiline === true,
    };
    while (this.pos < this.p.length) this.step();
    return { source: this.out, flags: this.flags, groupCount: this.groups, names: this.names };
  }

  // Python 3.11 accepts global flags only at the very start, possibly as several groups: (?i)(?m).
  private leadingFlags(): void {
    for (let m = /^\(\?([a-zA-Z]+)\)/.exec(this.p.slice(this.pos)); m; m = /^\(\?([a-zA-Z]+)\)/.exec(this.p.slice(this.pos))) {
      for (const flag of m[1] ?? '') this.globalFlag(flag);
      this.pos += m[0].length;
    }
  }

  private globalFlag(flag: string): void {
    switch (flag) {
      case 'i':
        this.flags.ignorecase = true;
        return;
      case 'm':
        this.flags.multiline = true;
        return;
      case 's':
        this.flags.dotall = true;
        return;
      case 'x':
        this.verbose = true;
        return;
      // Unicode is the default for str patterns; ASCII only narrows \d\w\s, accepted as a close match.
      case 'a':
      case 'u':
        return;
      case 'L':
        unsupported('the locale flag (?L)');
        return;
      default:
        refuse(`inline flag '${flag}'`, 'is unknown (Python knows a, i, L, m, s, u, x)');
    }
  }

  private step(): void {
    const c = this.p[this.pos] ?? '';
    if (this.verbose && /\s/.test(c)) {
      this.pos++;
    } else if (this.verbose && c === '#') {
      const end = this.p.indexOf('\n', this.pos);
      this.pos = end < 0 ? this.p.length : end + 1;
    } else if (c === '\\') {
      this.out += this.escape(false);
    } else if (c === '[') {
      this.charClass();
    } else if (c === '(') {
      this.group();
    } else if (c === ')') {
      this.close();
    } else if (c === '{') {
      this.brace();
    } else if (c === '*' || c === '+' || c === '?') {
      this.out += c;
      this.pos++;
      this.quantifierSuffix();
    } else {
      this.out += this.js ? this.jsPlain(c) : c;
      this.pos++;
    }
  }

  // JavaScript spells Python's `.`, `^` and `$` differently, and its `u` mode refuses a lone `]` or `}`.
  private jsPlain(c: string): string {
    if (c === '.') return this.scope.dotall ? JS_DOT.dotall : JS_DOT.plain;
    if (c === '^') return this.scope.multiline ? JS_CARET.multiline : JS_CARET.plain;
    if (c === '$') return this.scope.multiline ? JS_DOLLAR.multiline : JS_DOLLAR.plain;
    return c === ']' || c === '}' ? `\\${c}` : c;
  }

  private close(): void {
    const group = this.open.pop();
    if (group) {
      this.scope = group.outer;
      if (group.group > 0) this.closed.add(group.group);
    }
    // An unbalanced `)` is left for the engine's compiler to report.
    this.out += ')';
    this.pos++;
  }

  // Opens a group: `text` is its translated opening, `capture` whether it is numbered.
  private opens(text: string, length: number, capture: boolean): void {
    if (capture) this.groups++;
    this.open.push({ group: capture ? this.groups : 0, outer: { ...this.scope } });
    this.out += text;
    this.pos += length;
  }

  // After a quantifier: `?` makes it lazy (fine); `+` makes it possessive (Python 3.11), which neither engine has.
  private quantifierSuffix(): void {
    const next = this.p[this.pos];
    if (next === '+') unsupported('a possessive quantifier (*+, ++, ?+, {m,n}+)');
    if (next === '?') {
      this.out += '?';
      this.pos++;
    }
  }

  // `{m}`, `{m,}`, `{,n}`, `{m,n}` are repetitions (Python reads `{,n}` as `{0,n}`); any other `{` is literal.
  private brace(): void {
    const m = /^\{(\d*)(?:(,)(\d*))?\}/.exec(this.p.slice(this.pos));
    if (!m || (m[1] === '' && m[2] === undefined)) {
      this.out += '\\{';
      this.pos++;
      return;
    }
    const [low, comma, high] = [m[1] ?? '', m[2], m[3] ?? ''];
    if (!this.js && (Number(low || 0) > 1000 || Number(high || 0) > 1000)) needsBacktracking('a repetition count over 1000');
    this.out += `{${low || '0'}${comma ?? ''}${high}}`;
    this.pos += m[0].length;
    this.quantifierSuffix();
  }

  private group(): void {
    const rest = this.p.slice(this.pos);
    if (!rest.startsWith('(?')) {
      this.opens('(', 1, true);
      return;
    }
    const named = /^\(\?P?<([^>=!]*)>/.exec(rest);
    if (named) {
      const name = named[1] ?? '';
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) refuse(`group name '${name}'`, 'is not valid (ASCII letters, digits and _ only)');
      if (this.names.some(([n]) => n === name)) refuse(`group name '${name}'`, 'is defined twice');
      this.names.push([name, this.groups + 1]);
      this.opens(this.js ? `(?<${name}>` : `(?P<${name}>`, named[0].length, true);
      return;
    }
    const reference = /^\(\?P=([^)]*)\)/.exec(rest);
    if (reference) {
      this.namedReference(reference[1] ?? '', reference[0].length);
      return;
    }
    if (rest.startsWith('(?P=')) refuse('a backreference (?P=name', 'is missing its closing parenthesis');
    const look = /^\(\?(?:=|!|<=|<!)/.exec(rest)?.[0];
    if (look !== undefined) {
      if (!this.js) needsBacktracking(look.includes('<') ? 'a lookbehind (?<=...) or (?<!...)' : 'a lookahead (?=...) or (?!...)');
      this.opens(look, look.length, false);
      return;
    }
    if (rest.startsWith('(?>')) unsupported('an atomic group (?>...)');
    if (rest.startsWith('(?(')) unsupported('a conditional group (?(id)yes|no)');
    if (rest.startsWith('(?#')) {
      const end = this.p.indexOf(')', this.pos);
      if (end < 0) refuse('a comment (?#...', 'is missing its closing parenthesis');
      this.pos = end + 1;
      return;
    }
    const scoped = /^\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?:/.exec(rest);
    if (scoped) {
      const outer = { ...this.scope };
      const text = this.scopedFlags(scoped[1] ?? '', scoped[2]);
      this.open.push({ group: 0, outer });
      this.out += text;
      this.pos += scoped[0].length;
      return;
    }
    if (/^\(\?[a-zA-Z]+\)/.test(rest))
      refuse('a global inline flag such as (?i)', 'must be at the start of the pattern (as in Python 3.11)');
    refuse(`the group syntax '${rest.slice(0, 4)}'`, 'is unknown');
  }

  // `(?P=name)`: JavaScript's `\k<name>`, once the group is defined and closed (Python refuses otherwise).
  private namedReference(name: string, length: number): void {
    if (!this.js) needsBacktracking('a backreference (?P=name) in the pattern');
    const group = this.names.find(([n]) => n === name)?.[1];
    if (group === undefined) refuse(`the backreference (?P=${name})`, 'names no group defined before it');
    this.reference(group as number, `backreference (?P=${name})`);
    this.out += `\\k<${name}>`;
    this.pos += length;
  }

  protected reference(group: number, what: string): void {
    if (group > this.groups) refuse(`the ${what}`, 'refers to a group that does not exist before it (invalid group reference)');
    if (!this.closed.has(group)) refuse(`the ${what}`, 'refers to a group that is still open');
  }

  // `(?i:...)`, `(?-i:...)`, `(?s-i:...)`: RE2 spells them the same way for i, m and s; JavaScript (Node 20)
  // has no scoped flags, so `s` and `m` change how `.`, `^` and `$` are spelled inside, and `i` is refused.
  private scopedFlags(on: string, off: string | undefined): string {
    const keep = (flags: string, value: boolean): string => {
      let kept = '';
      for (const flag of flags) {
        if ('ims'.includes(flag)) kept += flag;
        else if (flag === 'x') unsupported('the verbose flag inside a group (?x:...); put (?x) at the start');
        else if (flag === 'L') unsupported('the locale flag (?L)');
        else if (flag !== 'a' && flag !== 'u') refuse(`inline flag '${flag}'`, 'is unknown');
        if (flag === 's') this.scope.dotall = value;
        if (flag === 'm') this.scope.multiline = value;
      }
      return kept;
    };
    const plus = keep(on, true);
    const minus = off === undefined ? '' : keep(off, false);
    if (this.js && (plus + minus).includes('i'))
      unsupported('a scoped case flag (?i:...) or (?-i:...) in a pattern with backreferences or lookaround');
    if (this.js || (plus === '' && minus === '')) return '(?:';
    return minus === '' ? `(?${plus}:` : `(?${plus}-${minus}:`;
  }

  private charClass(): void {
    const start = this.pos;
    let out = '[';
    this.pos++;
    if (this.p[this.pos] === '^') {
      out += '^';
      this.pos++;
    }
    // A `]` right after `[` or `[^` is a literal member, in Python as in RE2.
    if (this.p[this.pos] === ']') {
      out += '\\]';
      this.pos++;
    }
    for (;;) {
      const c = this.p[this.pos];
      if (c === undefined) refuse('a character class', `opened at position ${start} is not closed`);
      if (c === ']') break;
      if (c === '\\') {
        out += this.escape(true);
      } else {
        // `[` is a plain member in Python; RE2 would read `[:alpha:]` as a POSIX class.
        out += c === '[' ? '\\[' : c;
        this.pos++;
      }
    }
    this.pos++;
    this.out += `${out}]`;
  }
}
