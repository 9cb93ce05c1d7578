// shell: the string runs under /bin/sh (or `executable`, e.g. /bin/bash), with the shell's own expansion;
// chdir, creates/removes, stdin and the output options are command's (modules/command/steps.ts).
import type { FromSchema } from 'json-schema-to-ts';
import { defineModule } from '../../engine/module.ts';
import { shellQuote } from '../../engine/quote.ts';
import {
  applyCommand,
  decideCommand,
  predictCommand,
  probeGuards,
  runScript,
  sharedProperties,
  stdinOf,
  type CommandChange,
  type CommandFacts,
} from '../command/steps.ts';

const shellSchema = {
  type: 'object',
  properties: {
    cmd: { type: 'string', minLength: 1 },
    ...sharedProperties,
    // command's, refused by shell as Ansible's shell action refuses it; validate refuses it too
    // (engine/playbook/literalArgs.ts), except on a task written to fail, which gets Ansible's message.
    expand_argument_vars: { type: 'boolean', description: "command's only: shell fails on it, as in Ansible" },
  },
  required: ['cmd'],
  additionalProperties: false,
} as const;

type ShellArgs = FromSchema<typeof shellSchema>;

/** The run: `<executable> -c <script>` (Ansible's run_command with use_unsafe_shell), after chdir. */
export function shellChange(args: ShellArgs): CommandChange {
  const stdin = stdinOf(args);
  return {
    full: runScript(args, `${shellQuote(args.executable || '/bin/sh')} -c ${shellQuote(args.cmd)}`),
    cmd: args.cmd,
    shown: args.cmd,
    ...(stdin !== undefined ? { stdin } : {}),
    strip: args.strip_empty_ends !== false,
  };
}

/** The shell module. */
export const shellModule = defineModule<ShellArgs, CommandFacts, CommandChange>({
  name: 'shell',
  summary: "Run a command line under the host's shell.",
  runsOn: 'host',
  freeFormKey: 'cmd',
  schema: shellSchema,
  *probe(args, view) {
    if (args.expand_argument_vars !== undefined) return { refused: 'Unsupported parameters for (shell) module: expand_argument_vars' };
    return yield* probeGuards(args, view);
  },
  decide: (args, facts, view) =>
    facts.refused !== undefined ? { kind: 'failed', msg: facts.refused } : decideCommand(args, facts, view, shellChange(args)),
  apply: applyCommand,
  predict: predictCommand,
});
