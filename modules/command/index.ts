// command: run a program on the host, no shell features (words are quoted one by one); `creates`/`removes`
// make it idempotent. Check mode does not run it: unknown, unless a guard settles it (modules/lib/commandSteps.ts).
import type { FromSchema } from 'json-schema-to-ts';
import { defineModule } from '../../engine/module.ts';
import { shellCommand } from '../../engine/quote.ts';
import { splitCommandLine } from '../../engine/shlex.ts';
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

export { chdirCommand } from '../lib/commandSteps.ts';

const commandSchema = {
  type: 'object',
  properties: {
    cmd: { type: 'string', minLength: 1 },
    argv: { type: 'array', items: { type: 'string' }, minItems: 1 },
    ...guardProperties,
  },
  oneOf: [{ required: ['cmd'] }, { required: ['argv'] }],
  additionalProperties: false,
} as const;

type CommandArgs = FromSchema<typeof commandSchema>;

function commandLine(args: CommandArgs): CommandLine {
  const argv = args.argv ?? splitCommandLine(args.cmd ?? '');
  return { line: shellCommand(...argv), shown: argv.join(' ') };
}

/** The command module. */
export const commandModule = defineModule<CommandArgs, CommandFacts, CommandChange>({
  name: 'command',
  runsOn: 'host',
  freeFormKey: 'cmd',
  schema: commandSchema,
  *probe(args, view) {
    // The command line is judged (quotes that do not close) before anything is read.
    commandLine(args);
    return yield* probeGuards(args, view);
  },
  decide: (args, facts, view) => decideCommand(args, facts, view, commandLine(args)),
  apply: applyCommand,
  predict: predictCommand,
});
