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
  properties: { cmd: { type: 'string', minLength: 1 }, ...sharedProperties },
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
  probe: (args, view) => probeGuards(args, view),
  decide: (args, facts, view) => decideCommand(args, facts, view, shellChange(args)),
  apply: applyCommand,
  predict: predictCommand,
});
