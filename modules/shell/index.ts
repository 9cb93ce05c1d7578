// shell: the string runs under /bin/sh (or `executable`); `creates`/`removes` make it idempotent. The
// steps are command's (modules/lib/commandSteps.ts).
import type { FromSchema } from 'json-schema-to-ts';
import { defineModule } from '../../engine/module.ts';
import { shellQuote } from '../../engine/quote.ts';
import {
  applyCommand,
  decideCommand,
  predictCommand,
  probeGuards,
  type CommandChange,
  type CommandFacts,
  type CommandLine,
  guardProperties,
} from '../lib/commandSteps.ts';

const shellSchema = {
  type: 'object',
  properties: { cmd: { type: 'string', minLength: 1 }, executable: { type: 'string' }, ...guardProperties },
  required: ['cmd'],
  additionalProperties: false,
} as const;

type ShellArgs = FromSchema<typeof shellSchema>;

function commandLine(args: ShellArgs): CommandLine {
  return { line: `${shellQuote(args.executable ?? '/bin/sh')} -c ${shellQuote(args.cmd)}`, shown: args.cmd };
}

/** The shell module. */
export const shellModule = defineModule<ShellArgs, CommandFacts, CommandChange>({
  name: 'shell',
  runsOn: 'host',
  freeFormKey: 'cmd',
  schema: shellSchema,
  probe: (args, view) => probeGuards(args, view),
  decide: (args, facts, view) => decideCommand(args, facts, view, commandLine(args)),
  apply: applyCommand,
  predict: predictCommand,
});
