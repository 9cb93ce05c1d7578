// The `environment` keyword at run time: each level (play, blocks, include, task) is rendered with the
// task's variables and merged, inner over outer, into variables exported before the module's remote
// command. The prefix is part of the command text, so read-ahead (readAhead.ts keys reads by command)
// never serves one task's read to a task with other variables. Names and values reach the shell only
// through engine/quote.ts.
import { FleetError } from '../errors.ts';
import { SHELL_NAME } from '../playbook/scopeExtras.ts';
import { shellQuote } from '../quote.ts';
import { renderValue } from '../template/render.ts';
import type { EnvironmentSpec, Vars } from '../types.ts';
import type { EvalContext } from '../expr/index.ts';

/** The merged variables of `levels` (outer first), rendered with `vars`; a bad name or value is a located error. */
export function renderEnvironment(levels: readonly EnvironmentSpec[], vars: Vars, context?: EvalContext): Map<string, string> {
  const out = new Map<string, string>();
  for (const level of levels) {
    const value = renderValue(level.value, vars, level.location, context);
    if (value === null || value === undefined || value === '') continue;
    if (typeof value !== 'object' || Array.isArray(value))
      throw new FleetError(
        'playbook',
        `'environment' must render to a mapping of variable names to values, got ${Array.isArray(value) ? 'a list' : typeof value}`,
        {
          location: level.location,
        },
      );
    for (const [name, v] of Object.entries(value as Vars)) {
      if (!SHELL_NAME.test(name))
        throw new FleetError(
          'playbook',
          `'${name}' is not an environment variable name a shell accepts (letters, digits and _, not starting with a digit)`,
          {
            location: level.location,
          },
        );
      out.set(name, envText(name, v, level));
    }
  }
  return out;
}

/** `command` with the variables exported first (unchanged when there are none). */
export function withEnvironment(command: string, env: ReadonlyMap<string, string>): string {
  if (env.size === 0) return command;
  const assignments = [...env].map(([name, value]) => `${shellQuote(name)}=${shellQuote(value)}`).join(' ');
  return `export ${assignments}; ${command}`;
}

// Ansible passes each value through text_type(): True/False/None as Python prints them.
function envText(name: string, v: unknown, level: EnvironmentSpec): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (v === null || v === undefined) return 'None';
  // Differs from Ansible, which would pass a list or mapping as its Python text: refused rather than guessed.
  throw new FleetError(
    'playbook',
    `environment variable '${name}' must be a string, number or boolean, got ${Array.isArray(v) ? 'a list' : 'a mapping'}`,
    {
      location: level.location,
    },
  );
}
