// Translates a Python `re` pattern into RE2 syntax, refusing what a linear-time engine cannot do.

/** Inline flags a translated pattern starts with (Python's global flags, and those of the caller). */
export interface PatternFlags {
  ignorecase: boolean;
  multiline: boolean;
  dotall: boolean;
}

/** A pattern Python would reject, or a Python feature RE2 refuses; `feature` names it for the message. */
export class PatternRefusal extends Error {
  constructor(
    readonly feature: string,
    message: string,
  ) {
    super(message);
    this.name = 'PatternRefusal';
  }
}

/** The RE2 source of a Python pattern and the global flags it set with a leading `(?imsx)`. */
export interface Translation {
  source: string;
  flags: PatternFlags;
}

// Python 3 str patterns are Unicode-aware: \d is any decimal digit, \w any letter, digit or '_', \s any
// whitespace (str.isspace). RE2's shorthands are ASCII-only, so they are spelled out with Unicode classes.
const DIGIT = '\\p{Nd}';
const WORD = '\\p{L}\\p{N}_';
const SPACE = '\\t-\\r\\x{1c}-\\x{20}\\x{85}\\p{Z}';
const OUTSIDE_CLASS: Readonly<Record<string, string>> = {
  d: DIGIT,
  D: '\\P{Nd}',
  w: `[${WORD}]`,
  W: `[^${WORD}]`,
  s: `[${SPACE}]`,
  S: `[^${SPACE}]`,
};
// Inside a class only the positive forms can be spelled out; \W and \S keep RE2's ASCII meaning there.
const INSIDE_CLASS: Readonly<Record<string, string>> = { d: DIGIT, D: '\\P{Nd}', w: WORD, s: SPACE, W: '\\W', S: '\\S' };
const CONTROL: Readonly<Record<string, string>> = { a: '\\a', f: '\\f', n: '\\n', r: '\\r', t: '\\t', v: '\\v' };
const LINEAR = 'RE2, the linear-time engine fleetplay uses so that no pattern can freeze the run, cannot do this';

const refuse = (feature: string, why: string): never => {
  throw new PatternRefusal(feature, `${feature} ${why}`);
};
const unsupported = (feature: string): never => refuse(feature, `is not supported: ${LINEAR}`);
const hex = (code: number): string => `\\x{${code.toString(16)}}`;

/** Translates `pattern`; throws PatternRefusal for refused features and for patterns Python rejects. */
export function translatePattern(pattern: string): Translation {
  return new Translator(pattern).run();
}

class Translator {
  private pos = 0;
  private out = '';
  private verbose = false;
  private readonly flags: PatternFlags = { ignorecase: false, multiline: false, dotall: false };

  constructor(private readonly p: string) {}

  run(): Translation {
    this.leadingFlags();
    while (this.pos < this.p.length) this.step();
    return { source: this.out, flags: this.flags };
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
    } else if (c === '{') {
      this.brace();
    } else if (c === '*' || c === '+' || c === '?') {
      this.out += c;
      this.pos++;
      this.quantifierSuffix();
    } else {
      this.out += c;
      this.pos++;
    }
  }

  // After a quantifier: `?` makes it lazy (fine); `+` makes it possessive (Python 3.11), which RE2 refuses.
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
    if (Number(low || 0) > 1000 || Number(high || 0) > 1000) refuse('a repetition count over 1000', `is not supported by RE2 (limit 1000)`);
    this.out += `{${low || '0'}${comma ?? ''}${high}}`;
    this.pos += m[0].length;
    this.quantifierSuffix();
  }

  private group(): void {
    const rest = this.p.slice(this.pos);
    if (!rest.startsWith('(?')) {
      this.out += '(';
      this.pos++;
      return;
    }
    const named = /^\(\?P?<([^>=!]*)>/.exec(rest);
    if (named) {
      const name = named[1] ?? '';
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) refuse(`group name '${name}'`, 'is not valid (ASCII letters, digits and _ only)');
      this.out += `(?P<${name}>`;
      this.pos += named[0].length;
      return;
    }
    if (rest.startsWith('(?P=')) unsupported('a backreference (?P=name) in the pattern');
    if (rest.startsWith('(?=') || rest.startsWith('(?!')) unsupported('a lookahead (?=...) or (?!...)');
    if (rest.startsWith('(?<=') || rest.startsWith('(?<!')) unsupported('a lookbehind (?<=...) or (?<!...)');
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
      this.out += this.scopedFlags(scoped[1] ?? '', scoped[2]);
      this.pos += scoped[0].length;
      return;
    }
    if (/^\(\?[a-zA-Z]+\)/.test(rest))
      refuse('a global inline flag such as (?i)', 'must be at the start of the pattern (as in Python 3.11)');
    refuse(`the group syntax '${rest.slice(0, 4)}'`, 'is unknown');
  }

  // `(?i:...)`, `(?-i:...)`, `(?s-i:...)`: RE2 spells them the same way for i, m and s.
  private scopedFlags(on: string, off: string | undefined): string {
    const keep = (flags: string): string => {
      let kept = '';
      for (const flag of flags) {
        if ('ims'.includes(flag)) kept += flag;
        else if (flag === 'x') unsupported('the verbose flag inside a group (?x:...); put (?x) at the start');
        else if (flag === 'L') unsupported('the locale flag (?L)');
        else if (flag !== 'a' && flag !== 'u') refuse(`inline flag '${flag}'`, 'is unknown');
      }
      return kept;
    };
    const plus = keep(on);
    const minus = off === undefined ? '' : keep(off);
    if (plus === '' && minus === '') return '(?:';
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
    const shorthand = (inClass ? INSIDE_CLASS : OUTSIDE_CLASS)[c];
    if (shorthand !== undefined) return shorthand;
    const control = CONTROL[c];
    if (control !== undefined) return control;
    switch (c) {
      case 'x':
        return this.hexEscape(2, c);
      case 'u':
        return this.hexEscape(4, c);
      case 'U':
        return this.hexEscape(8, c);
      case 'b':
        return inClass ? '\\x{8}' : '\\b';
      case 'B':
        return inClass ? refuse('\\B inside a character class', 'is not valid') : '\\B';
      case 'A':
        return inClass ? refuse('\\A inside a character class', 'is not valid') : '\\A';
      // Python's \Z is the very end of the text: RE2's \z (RE2 has no \Z).
      case 'Z':
        return inClass ? refuse('\\Z inside a character class', 'is not valid') : '\\z';
      case 'N':
        return unsupported('a named character \\N{...}');
      default:
        if (/[A-Za-z]/.test(c)) return refuse(`the escape \\${c}`, 'is not valid in a Python pattern');
        // Any other escaped character stands for itself.
        return /[!-/:-@[-`{-~ ]/.test(c) ? `\\${c}` : hex(c.codePointAt(0) ?? 0);
    }
  }

  // Python: \0 and \0oo, or three octal digits, are characters; other \N and \NN are backreferences.
  private digitEscape(first: string, inClass: boolean): string {
    const rest = this.p.slice(this.pos);
    if (first === '0') {
      const more = /^[0-7]{0,2}/.exec(rest)?.[0] ?? '';
      this.pos += more.length;
      return hex(parseInt(first + more, 8));
    }
    const octal = /^[0-7]{2}/.exec(rest)?.[0];
    if (/[0-7]/.test(first) && octal !== undefined) {
      const code = parseInt(first + octal, 8);
      if (code > 0o377) refuse(`the octal escape \\${first}${octal}`, 'is out of range');
      this.pos += 2;
      return hex(code);
    }
    if (inClass) {
      // Inside a class Python reads up to three octal digits as a character, and refuses 8 or 9.
      if (!/[0-7]/.test(first)) refuse(`the escape \\${first}`, 'is not valid in a character class');
      const more = /^[0-7]{0,2}/.exec(rest)?.[0] ?? '';
      this.pos += more.length;
      return hex(parseInt(first + more, 8));
    }
    return unsupported(`a backreference \\${first} in the pattern`);
  }

  private hexEscape(width: number, letter: string): string {
    const digits = this.p.slice(this.pos, this.pos + width);
    if (!new RegExp(`^[0-9A-Fa-f]{${width}}$`).test(digits)) refuse(`the escape \\${letter}${digits}`, `needs ${width} hex digits`);
    const code = parseInt(digits, 16);
    if (code > 0x10ffff) refuse(`the escape \\${letter}${digits}`, 'is beyond Unicode');
    this.pos += width;
    return hex(code);
  }
}
