// Python's escapes (\d, \x41, \0, \1, \b, \Z, escaped punctuation…), spelled for RE2 or JavaScript: the part of
// the translator (translate.ts) that reads a backslash and what follows it.
import {
  JS_BOUNDARY,
  JS_END,
  JS_NOT_BOUNDARY,
  JS_START,
  JS_SYNTAX,
  needsBacktracking,
  refuse,
  unsupported,
  type Dialect,
} from './syntax.ts';

/** Reads a pattern's escapes; the translator extends it with groups, classes and quantifiers. */
export abstract class EscapeReader {
  protected pos = 0;

  constructor(
    protected readonly p: string,
    protected readonly d: Dialect,
    protected readonly js: boolean,
  ) {}

  /** Checks a backreference to `group` (Python refuses one to a group not yet defined, or still open). */
  protected abstract reference(group: number, what: string): void;

  /** Translates the escape at `pos` (a backslash) and moves past it. */
  protected escape(inClass: boolean): string {
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
        return this.literal(c, inClass);
    }
  }

  // Any other escaped character stands for itself: escaped where the target allows it, else spelled by code.
  private literal(c: string, inClass: boolean): string {
    const code = this.p.codePointAt(this.pos - 1) ?? 0;
    if (code > 0xffff) this.pos++;
    // JavaScript's `u` mode takes `\-` inside a class only.
    if (this.js) return JS_SYNTAX.has(c) || (c === '-' && inClass) ? `\\${c}` : this.d.hex(code);
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
