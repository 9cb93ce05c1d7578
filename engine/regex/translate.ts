// Translates a Python `re` pattern into RE2 syntax (refusing what a linear-time engine cannot do), or into
// JavaScript RegExp syntax (`u` mode) for the backtracking fallback: backreferences and lookaround.
import {
  DIALECTS,
  JS_BOUNDARY,
  JS_CARET,
  JS_DOLLAR,
  JS_DOT,
  JS_END,
  JS_NOT_BOUNDARY,
  JS_START,
  JS_SYNTAX,
  PatternRefusal,
  needsBacktracking,
  refuse,
  unsupported,
  type Dialect,
  type Target,
} from './syntax.ts';

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

class Translator {
  private pos = 0;
  private out = '';
  private verbose = false;
  private readonly flags: PatternFlags = { ignorecase: false, multiline: false, dotall: false };
  private readonly d: Dialect;
  private readonly js: boolean;
  /** DOTALL and MULTILINE where the translator stands (scoped groups change them; JavaScript needs them). */
  private scope = { dotall: false, multiline: false };
  private readonly open: Open[] = [];
  private readonly closed = new Set<number>();
  private groups = 0;
  private readonly names: Array<[string, number]> = [];

  constructor(
    private readonly p: string,
    target: Target,
    private readonly initial: Partial<PatternFlags>,
  ) {
    this.d = DIALECTS[target];
    this.js = target === 'js';
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

  private reference(group: number, what: string): void {
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

  /** Translates the escape at `pos` (a backslash) and moves past it. */
  private escape(inClass: boolean): string {
    const c = this.p[this.pos + 1];
    if (c === undefined) return refuse('a trailing backslash', 'escapes nothing');
    this.pos += 2;
    if (/[0-9]/.test(c)) return this.digitEscape(c, inClass);
    const shorthand = (inClass ? this.d.inside : this.d.outside)[c];
    if (shorthand !== undefined) return shorthand;
    const control = this.d.control[c];
    if (control !== undefined) return control;
    switch (c) {
      case 'x':
        return this.hexEscape(2, c);
      case 'u':
        return this.hexEscape(4, c);
      case 'U':
        return this.hexEscape(8, c);
      case 'b':
        return inClass ? this.d.hex(8) : this.js ? JS_BOUNDARY : '\\b';
      case 'B':
        return inClass ? refuse('\\B inside a character class', 'is not valid') : this.js ? JS_NOT_BOUNDARY : '\\B';
      case 'A':
        return inClass ? refuse('\\A inside a character class', 'is not valid') : this.js ? JS_START : '\\A';
      // Python's \Z is the very end of the text: RE2's \z (RE2 has no \Z).
      case 'Z':
        return inClass ? refuse('\\Z inside a character class', 'is not valid') : this.js ? JS_END : '\\z';
      case 'N':
        return unsupported('a named character \\N{...}');
      default:
        if (/[A-Za-z]/.test(c)) return refuse(`the escape \\${c}`, 'is not valid in a Python pattern');
        return this.literal(c);
    }
  }

  // Any other escaped character stands for itself: escaped where the target allows it, else spelled by code.
  private literal(c: string): string {
    const code = this.p.codePointAt(this.pos - 1) ?? 0;
    if (code > 0xffff) this.pos++;
    if (this.js) return JS_SYNTAX.has(c) || c === '-' ? `\\${c}` : this.d.hex(code);
    return /[!-/:-@[-`{-~ ]/.test(c) ? `\\${c}` : this.d.hex(code);
  }

  // Python: \0 and \0oo, or three octal digits, are characters; other \N and \NN are backreferences.
  private digitEscape(first: string, inClass: boolean): string {
    const rest = this.p.slice(this.pos);
    if (first === '0') {
      const more = /^[0-7]{0,2}/.exec(rest)?.[0] ?? '';
      this.pos += more.length;
      return this.d.hex(parseInt(first + more, 8));
    }
    const octal = /^[0-7]{2}/.exec(rest)?.[0];
    if (/[0-7]/.test(first) && octal !== undefined) {
      const code = parseInt(first + octal, 8);
      if (code > 0o377) refuse(`the octal escape \\${first}${octal}`, 'is out of range');
      this.pos += 2;
      return this.d.hex(code);
    }
    if (inClass) {
      // Inside a class Python reads up to three octal digits as a character, and refuses 8 or 9.
      if (!/[0-7]/.test(first)) refuse(`the escape \\${first}`, 'is not valid in a character class');
      const more = /^[0-7]{0,2}/.exec(rest)?.[0] ?? '';
      this.pos += more.length;
      return this.d.hex(parseInt(first + more, 8));
    }
    // A group reference: one digit, or two.
    const second = /^[0-9]/.exec(rest)?.[0] ?? '';
    if (!this.js) return needsBacktracking(`a backreference \\${first}${second} in the pattern`);
    this.pos += second.length;
    const group = Number(first + second);
    this.reference(group, `backreference \\${group}`);
    // `(?:)` keeps a following digit out of the reference.
    return `\\${group}(?:)`;
  }

  private hexEscape(width: number, letter: string): string {
    const digits = this.p.slice(this.pos, this.pos + width);
    if (!new RegExp(`^[0-9A-Fa-f]{${width}}$`).test(digits)) refuse(`the escape \\${letter}${digits}`, `needs ${width} hex digits`);
    const code = parseInt(digits, 16);
    if (code > 0x10ffff) refuse(`the escape \\${letter}${digits}`, 'is beyond Unicode');
    this.pos += width;
    return this.d.hex(code);
  }
}
