// command: run a program on the host without a shell: the free form is split into words as Ansible's
// shlex.split does, or given as `argv`; each word's $VARS and leading ~ are expanded on the host
// (expand_argument_vars, default true) and every word is quoted. The steps are shell's too (steps.ts).
import type { FromSchema } from 'json-schema-to-ts';
import { defineModule } from '../../engine/module.ts';
import { shellQuote } from '../../engine/quote.ts';
import { splitCommandLine } from '../../engine/shlex.ts';
import { expandInto, needsExpansion } from './expand.ts';
import {
  applyCommand,
  decideCommand,
  predictCommand,
  refusedDecision,
  probeGuards,
  runScript,
  sharedProperties,
  stdinOf,
  type CommandChange,
  type CommandFacts,
} from './steps.ts';

export { chdirCommand } from '../lib/commandSteps.ts';

const commandSchema = {
  type: 'object',
  properties: {
    cmd: { type: 'string' },
    argv: { type: 'array', items: { type: 'string' } },
    expand_argument_vars: { type: 'boolean' },
    ...sharedProperties,
  },
  // Neither or both of cmd and argv: validate refuses it (engine/playbook/literalArgs.ts), and a task
  // written to fail gets the module's own failure (givenProblem), as in Ansible.
  additionalProperties: false,
} as const;

type CommandArgs = FromSchema<typeof commandSchema>;

/** Ansible's refusal of a task with no command line, or with both forms (rc 256), or undefined. */
export function givenProblem(args: CommandArgs): string | undefined {
  const given = args.cmd !== undefined && args.cmd.trim() !== '';
  const argv = args.argv !== undefined && args.argv.length > 0;
  if (!given && !argv) return 'no command given';
  if (given && argv) return 'only command or argv can be given, not both';
  return undefined;
}

/** The run: the words (expanded on the host unless expand_argument_vars is false), chdir, stdin and output options. */
export function commandChange(args: CommandArgs): CommandChange {
  const words = args.argv ?? splitCommandLine(args.cmd ?? '');
  const expand = args.expand_argument_vars !== false;
  const prelude: string[] = [];
  const line = words
    .map((w, i) => {
      if (!expand || !needsExpansion(w)) return shellQuote(w);
      prelude.push(...expandInto(`fp_w${i}`, w));
      return `"$fp_w${i}"`;
    })
    .join(' ');
  const stdin = stdinOf(args);
  return {
    full: runScript(args, line, prelude),
    cmd: words,
    shown: words.join(' '),
    ...(stdin !== undefined ? { stdin } : {}),
    strip: args.strip_empty_ends !== false,
    ...executableWarning(args),
  };
}

/** Ansible's warning: command has no executable since 2.4; the words run as they are. */
function executableWarning(args: CommandArgs): { warnings?: string[] } {
  if (!args.executable) return {};
  return {
    warnings: [
      `As of Ansible 2.4, the parameter 'executable' is no longer supported with the 'command' module. Not using '${args.executable}'.`,
    ],
  };
}

/** The command module. */
export const commandModule = defineModule<CommandArgs, CommandFacts, CommandChange>({
  name: 'command',
  summary: 'Run a program on the host without a shell.',
  runsOn: 'host',
  freeFormKey: 'cmd',
  schema: commandSchema,
  *probe(args, view) {
    const refused = givenProblem(args);
    if (refused !== undefined) return { refused };
    // The command line is judged (quotes that do not close) before anything is read.
    commandChange(args);
    return yield* probeGuards(args, view);
  },
  decide: (args, facts, view) => {
    if (facts.refused !== undefined) return refusedDecision(facts.refused, executableWarning(args).warnings);
    return decideCommand(args, facts, view, commandChange(args));
  },
  apply: applyCommand,
  predict: predictCommand,
});
