// The secret values of one run, and their redaction from everything the run prints or writes.
//
import { SecretMatcher } from './secretMatcher.ts';
// A value is secret because of where it came from, not because of what it looks like: a variable
// whose name says so (at any depth, in any source), the SSH and become passwords, a vault-decrypted
// value, the output of a `no_log` task. Redaction is by value, at the sinks (console, report,
// errors), so a secret stays hidden after templating, set_fact, register, loops and task names.

/** Names that mark a variable (or a key at any depth) as secret; `*_file` names hold paths, not secrets. */
const SECRET_NAME =
  /(password|passwd|passphrase|secret|token|api_?key|private_?key|credential|(?:^|[_.-])(?:pass|pwd)(?:$|[_.-]))(?!_?file)/i;

/** What a secret is replaced with. */
export const MASK = '********';

/** Shorter strings are not redacted: masking every "on" or "1" would make output unreadable. */
const MIN_LENGTH = 3;

/** True when a variable or key name marks its value as secret. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** The growing set of secret values of a run; `redact` hides every one of them in a text. */
export class Secrets {
  private readonly values = new Set<string>();
  private matcher: SecretMatcher | undefined;
  private readonly scanned = new WeakSet<object>();

  /** Adds `value` and, for lists and mappings, every leaf inside it. */
  add(value: unknown): void {
    if (typeof value === 'string') {
      if (value.length < MIN_LENGTH || this.values.has(value)) return;
      this.values.add(value);
      // A multi-line secret (a key, a certificate) is also hidden line by line: output often splits it.
      for (const line of value.split('\n')) if (line.trim().length >= 8 && line !== value) this.values.add(line);
      this.matcher = undefined;
    } else if (typeof value === 'number' || typeof value === 'bigint') {
      this.add(String(value));
    } else if (Array.isArray(value)) {
      for (const v of value) this.add(v);
    } else if (value !== null && typeof value === 'object') {
      for (const v of Object.values(value)) this.add(v);
    }
  }

  /** Walks `value` (variables, a loop item, a result) and adds what sits under a secret name, at any depth. */
  scan(value: unknown): void {
    if (value === null || typeof value !== 'object') return;
    if (this.scanned.has(value)) return;
    this.scanned.add(value);
    if (Array.isArray(value)) {
      for (const v of value) this.scan(v);
      return;
    }
    for (const [k, v] of Object.entries(value)) {
      if (isSecretName(k)) this.add(v);
      else this.scan(v);
    }
  }

  /** Scans every layer of variables. */
  scanAll(layers: ReadonlyArray<unknown>): void {
    for (const layer of layers) this.scan(layer);
  }

  /** True when nothing is secret yet (redaction is then free). */
  get empty(): boolean {
    return this.values.size === 0;
  }

  /** `text` with every secret value replaced by the mask. */
  redact(text: string): string {
    if (this.values.size === 0 || text.length < MIN_LENGTH) return text;
    this.matcher ??= new SecretMatcher(this.values);
    return this.matcher.mask(text, MASK);
  }

  /** A copy of `value` with every string redacted and every value under a secret name masked (an item, a result). */
  redactDeep<T>(value: T): T {
    return this.deep(value, false, true) as T;
  }

  /** A copy of `value` with every string redacted; keys are structure here (a report), not variable names. */
  redactStrings<T>(value: T): T {
    return this.deep(value, false, false) as T;
  }

  private deep(value: unknown, secretKey: boolean, byKey: boolean): unknown {
    if (secretKey && value !== null && value !== undefined && typeof value !== 'boolean') return MASK;
    if (typeof value === 'string') return this.redact(value);
    if (Array.isArray(value)) return value.map((v) => this.deep(v, false, byKey));
    if (value !== null && typeof value === 'object') {
      // fromEntries defines own properties, so a `__proto__` key stays data.
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.deep(v, byKey && isSecretName(k), byKey)]));
    }
    return value;
  }
}

/** The secrets of this process: the CLI adds the passwords it reads; main.ts redacts errors with them. */
export const processSecrets = new Secrets();

// Assignments as they appear in source excerpts and echoed input: a YAML line (`key: value`, after an
// excerpt's `12 | ` gutter), a JSON member (`"key": "value"`), and `key=value` words (INI, -e).
const YAML_LINE = /^(\s*(?:\d+\s*\|\s*)?(?:-\s+)*)([A-Za-z_][\w.-]*)(\s*:[ \t]+)(\S.*)$/gm;
const JSON_MEMBER = /"([^"\\]*)"(\s*:\s*)("(?:[^"\\]|\\.)*"?|[^\s,}\]]+)/g;
const KEY_VALUE = /(^|[\s'"{,])([A-Za-z_][\w.-]*)=("[^"]*"?|'[^']*'?|\S+)/gm;

/**
 * `text` with the value of every assignment to a secret name masked. For what is printed before any
 * value is known to be secret: an excerpt of a file that failed to load, input echoed in an error.
 */
export function maskSecretAssignments(text: string): string {
  return text
    .replace(YAML_LINE, (all, lead: string, key: string, sep: string) => (isSecretName(key) ? `${lead}${key}${sep}${MASK}` : all))
    .replace(JSON_MEMBER, (all, key: string, sep: string) => (isSecretName(key) ? `"${key}"${sep}"${MASK}"` : all))
    .replace(KEY_VALUE, (all, lead: string, key: string) => (isSecretName(key) ? `${lead}${key}=${MASK}` : all));
}
