// Small command-line parsing layer over node:util parseArgs, with errors that exit 4.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { FleetError } from '../errors.ts';

/** Options of one subcommand, in parseArgs form. */
export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** Parsed values and positionals. */
export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** Parses argv for one subcommand; unknown options become FleetError('arguments'). */
export function parseCommand(argv: string[], options: OptionSpec): Parsed {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Parsed['values'], positionals };
  } catch (err) {
    throw new FleetError('arguments', (err as Error).message.replace(/\. To specify a positional.*$/, ''));
  }
}

/** Reads a string option, or undefined. */
export function str(p: Parsed, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === 'string' ? v : undefined;
}

/** Reads a repeatable string option as a list. */
export function list(p: Parsed, name: string): string[] {
  const v = p.values[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}

/** Reads a whole-number option (at least `min`, default 1). */
export function int(p: Parsed, name: string, fallback: number, min = 1): number {
  const v = str(p, name);
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < min)
    throw new FleetError('arguments', `--${name} needs a whole number of at least ${min}, got '${v}'`);
  return Number(v);
}

/** Splits comma-separated values of a repeatable option (--tags a,b --tags c). */
export function commaList(p: Parsed, name: string): string[] {
  return list(p, name)
    .flatMap((v) => v.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}
