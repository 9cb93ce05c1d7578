// The spellings the Python-pattern translator emits, for each target: RE2 (re2js) and JavaScript's RegExp
// in its `u` mode (the backtracking fallback, run in a worker with a time budget).

/** Which engine a translation is for. */
export type Target = 're2' | 'js';

/** A pattern Python would reject, or a Python feature the target refuses; `feature` names it for the message. */
export class PatternRefusal extends Error {
  constructor(
    readonly feature: string,
    message: string,
    /** True when only the linear-time engine refuses it: the backtracking engine can run it. */
    readonly backtracking = false,
  ) {
    super(message);
    this.name = 'PatternRefusal';
  }
}

const LINEAR = 'RE2, the linear-time engine fleetplay uses so that no pattern can freeze the run, cannot do this';
const NEITHER = 'neither RE2 nor the backtracking engine fleetplay falls back to can do this';

/** Throws the refusal of a pattern Python would reject (or that no engine of fleetplay's can run). */
export const refuse = (feature: string, why: string): never => {
  throw new PatternRefusal(feature, `${feature} ${why}`);
};
/** Throws the refusal of a feature no engine of fleetplay's has (atomic groups, possessive quantifiers…). */
export const unsupported = (feature: string): never => refuse(feature, `is not supported: ${NEITHER}`);
/** Throws the refusal of a feature only RE2 lacks: compilePythonRegex then falls back to the backtracking engine. */
export const needsBacktracking = (feature: string): never => {
  throw new PatternRefusal(feature, `${feature} is not supported: ${LINEAR}`, true);
};

// Python 3 str patterns are Unicode-aware: \d is any decimal digit, \w any letter, digit or '_', \s any
// whitespace (str.isspace). RE2's and JavaScript's shorthands are ASCII-only: spelled out with Unicode classes.
const WORD = '\\p{L}\\p{N}_';

/** The spellings of one target. */
export interface Dialect {
  /** A character by its code point. */
  hex(code: number): string;
  /** \d \D \w \W \s \S outside a class, and inside one. */
  outside: Readonly<Record<string, string>>;
  inside: Readonly<Record<string, string>>;
  /** \a \f \n \r \t \v. */
  control: Readonly<Record<string, string>>;
}

function dialect(hex: (code: number) => string): Dialect {
  const space = `\\t-\\r${hex(0x1c)}-${hex(0x20)}${hex(0x85)}\\p{Z}`;
  return {
    hex,
    outside: { d: '\\p{Nd}', D: '\\P{Nd}', w: `[${WORD}]`, W: `[^${WORD}]`, s: `[${space}]`, S: `[^${space}]` },
    // Inside a class only the positive forms can be spelled out; \W and \S keep their ASCII meaning there.
    inside: { d: '\\p{Nd}', D: '\\P{Nd}', w: WORD, s: space, W: '\\W', S: '\\S' },
    control: { a: hex(7), f: '\\f', n: '\\n', r: '\\r', t: '\\t', v: '\\v' },
  };
}

/** The spellings for each target. */
export const DIALECTS: Readonly<Record<Target, Dialect>> = {
  re2: dialect((code) => `\\x{${code.toString(16)}}`),
  js: dialect((code) => `\\u{${code.toString(16)}}`),
};

// JavaScript spellings of Python's anchors and of `.`, which no JavaScript flag gives exactly: JavaScript's `.`,
// `^` and `$` also stop at \r, \u2028 and \u2029, and its `$` never matches before a final newline.
/** `.` without and with DOTALL. */
export const JS_DOT = { plain: '[^\\n]', dotall: '[\\s\\S]' } as const;
/** `^` without and with MULTILINE. */
export const JS_CARET = { plain: '(?<![\\s\\S])', multiline: '(?<![^\\n])' } as const;
/** `$` without MULTILINE (the end, or before a newline that ends the text) and with it. */
export const JS_DOLLAR = { plain: '(?=\\n?(?![\\s\\S]))', multiline: '(?![^\\n])' } as const;
/** \A and \Z. */
export const JS_START = '(?<![\\s\\S])';
export const JS_END = '(?![\\s\\S])';
/** Python's \b and \B, on Unicode word characters (JavaScript's are ASCII only). */
export const JS_BOUNDARY = `(?:(?<=[${WORD}])(?![${WORD}])|(?<![${WORD}])(?=[${WORD}]))`;
export const JS_NOT_BOUNDARY = `(?:(?<=[${WORD}])(?=[${WORD}])|(?<![${WORD}])(?![${WORD}]))`;
/** Characters JavaScript's `u` mode lets a backslash escape (any other escaped punctuation is spelled by code). */
export const JS_SYNTAX = new Set('^$\\.*+?()[]{}|/');
