// Parses -e/--extra-vars: "k=v k2='a b'", "@file.yml", or inline JSON/YAML mappings.
import path from 'node:path';
import { splitCommandLine } from '../shlex.ts';
import { FleetError } from '../errors.ts';
import type { Vars } from '../types.ts';
import { loadYamlFile, parseYaml } from '../yaml/load.ts';

/** Merges every -e argument, later ones winning. */
export function parseExtraVars(args: string[]): Vars {
  const out: Vars = {};
  for (const arg of args) Object.assign(out, parseOne(arg));
  return out;
}

function parseOne(arg: string): Vars {
  const text = arg.trim();
  if (text.startsWith('@')) {
    const file = path.resolve(text.slice(1));
    return asMapping(loadYamlFile(file, 'variables').value, file);
  }
  if (text.startsWith('{')) return asMapping(parseYaml(text, '-e', 'variables').value, `-e ${text}`);
  const out: Vars = {};
  let words: string[];
  try {
    words = splitCommandLine(text);
  } catch (err) {
    throw new FleetError('variables', `-e ${text}: ${(err as Error).message}`);
  }
  for (const word of words) {
    const eq = word.indexOf('=');
    if (eq <= 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(word.slice(0, eq))) {
      throw new FleetError('variables', `-e expects key=value, @file or a JSON mapping; got '${word}'`);
    }
    out[word.slice(0, eq)] = word.slice(eq + 1);
  }
  return out;
}

function asMapping(value: unknown, source: string): Vars {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new FleetError('variables', `${source}: extra vars must be a mapping`);
  return value as Vars;
}
