// Compiled schema validators, kept on disk between runs. ajv compiling the play, task and module
// schemas was about a third of start-up (300-400 ms of CPU on every run); loading its standalone code
// back takes a few milliseconds and does not load ajv at all.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ajv as AjvClass, ValidateFunction } from 'ajv';

const require = createRequire(import.meta.url);

/** The ajv options every validator is compiled with (part of the cache key). */
const OPTIONS = { allErrors: true, strict: false } as const;

/** Where validators are kept: beside the installed packages, so `npm ci` clears them with ajv. */
export const DEFAULT_VALIDATOR_DIR = fileURLToPath(new URL('../../node_modules/.cache/fleetplay/validators', import.meta.url));

/** A validator and where it came from. */
export interface LoadedValidator {
  validate: ValidateFunction;
  source: 'disk' | 'compiled';
}

let ajv: AjvClass | undefined;
let ajvVersion: string | undefined;

/**
 * The validator for `schema`: from `dir` when a file for exactly this schema, ajv version and options
 * is there, else compiled (and written to `dir` for next time). A cache that cannot be read or written
 * only costs the compile.
 */
export function loadValidator(schema: Record<string, unknown>, dir = DEFAULT_VALIDATOR_DIR): LoadedValidator {
  ajvVersion ??= (require('ajv/package.json') as { version: string }).version;
  const key = createHash('sha256')
    .update(JSON.stringify([ajvVersion, OPTIONS, schema]))
    .digest('hex');
  const file = path.join(dir, `${key}.cjs`);
  const cached = readCached(file);
  if (cached) return { validate: cached, source: 'disk' };
  if (!ajv) {
    const { Ajv } = require('ajv') as typeof import('ajv');
    ajv = new Ajv({ ...OPTIONS, code: { source: true } });
  }
  const validate = ajv.compile(schema);
  try {
    const standalone = (require('ajv/dist/standalone') as { default: (a: AjvClass, v: ValidateFunction) => string }).default;
    const code = standalone(ajv, validate);
    mkdirSync(dir, { recursive: true });
    // Written whole under a temporary name and renamed, so a reader never sees half a file.
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, code);
    renameSync(tmp, file);
  } catch {
    // No cache (read-only install, full disk): the compiled validator still works.
  }
  return { validate, source: 'compiled' };
}

function readCached(file: string): ValidateFunction | undefined {
  let code: string;
  try {
    code = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const module = { exports: {} as unknown };
    // ajv's standalone output is a CommonJS module that requires its small runtime helpers.
    new Function('require', 'module', 'exports', code)(require, module, module.exports);
    return typeof module.exports === 'function' ? (module.exports as ValidateFunction) : undefined;
  } catch {
    return undefined;
  }
}
