// pause (ansible.builtin.pause): waits on the controller for `seconds` or `minutes`, once per task for all
// its hosts (modules/pause/once.ts), in check mode too, as Ansible does. With a `prompt` and no time it
// waits for the user to press Enter, reading from the terminal (`echo: false` hides what is typed).
//
// Without a terminal on stdin (CI, cron), a prompt that waits for input does not wait: as Ansible, the task
// goes on with an empty user_input and says why. Differs from Ansible: Ctrl+C then C/A is not offered.
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { FromSchema } from 'json-schema-to-ts';
import { defineModule, local, type Decision, type ModuleView, type Probe } from '../../engine/module.ts';
import { PAUSES, sharedWait } from './once.ts';

const count = {
  anyOf: [
    { type: 'integer', minimum: 0 },
    { type: 'string', pattern: '^[0-9]+$' },
  ],
} as const;

/** pause's arguments as Ansible has them (seconds and minutes are integers; a string of digits is one). */
export const pauseSchema = {
  type: 'object',
  properties: { seconds: count, minutes: count, prompt: { type: 'string' }, echo: { type: 'boolean' } },
  not: { required: ['seconds', 'minutes'] },
  additionalProperties: false,
} as const;

type Args = FromSchema<typeof pauseSchema>;

/** What the wait gave: when it started and stopped, and what the user typed; or why it could not wait. */
type Facts = { start: Date; stop: Date; input: string; note?: string } | { error: string };

/** How a pause reads a line: the real terminal, or a test's stand-in. */
export interface Terminal {
  isTTY: boolean;
  ask(question: string, echo: boolean): Promise<string>;
}

/** The controller's terminal: the prompt on stderr, the answer from stdin. */
export const processTerminal: Terminal = {
  get isTTY() {
    return process.stdin.isTTY === true;
  },
  ask(question, echo) {
    let muted = false;
    const output = new Writable({
      write(chunk: Buffer, _enc, done) {
        if (!muted || echo) process.stderr.write(chunk);
        done();
      },
    });
    const rl = createInterface({ input: process.stdin, output, terminal: true });
    return new Promise((resolve, reject) => {
      let answered = false;
      rl.on('close', () => !answered && reject(new Error('pause: the input was closed before Enter was pressed')));
      rl.question(`${question}:\n`, (answer) => {
        answered = true;
        rl.close();
        if (!echo) process.stderr.write('\n');
        resolve(answer);
      });
      muted = true;
    });
  },
};

let terminal: Terminal = processTerminal;

/** Replaces the terminal pause reads from (tests); returns the one it replaced. */
export function useTerminal(t: Terminal): Terminal {
  const before = terminal;
  terminal = t;
  return before;
}

/** The wait in milliseconds, or undefined when pause waits for Enter. */
export function pauseMs(args: Args): number | undefined {
  if (args.minutes !== undefined) return Number(args.minutes) * 60_000;
  if (args.seconds !== undefined) return Number(args.seconds) * 1000;
  return undefined;
}

async function wait(args: Args): Promise<Facts> {
  const start = new Date();
  const ms = pauseMs(args);
  if (ms !== undefined) {
    if (args.prompt !== undefined) process.stderr.write(`${args.prompt}\n`);
    await new Promise((resolve) => setTimeout(resolve, ms));
    return { start, stop: new Date(), input: '' };
  }
  if (!terminal.isTTY)
    return { start, stop: new Date(), input: '', note: 'not waiting for a response to the prompt: stdin is not a terminal' };
  const input = await terminal.ask(args.prompt ?? 'Press enter to continue, Ctrl+C to interrupt', args.echo ?? true);
  return { start, stop: new Date(), input };
}

function* probe(args: Args, view: ModuleView): Probe<Facts> {
  const key = JSON.stringify([args.seconds, args.minutes, args.prompt, args.echo]);
  return yield* local('pause', () => sharedWait(view.runState(PAUSES), key, view.host, () => wait(args)) as Promise<Facts>);
}

function decide(args: Args, facts: Facts): Decision<never> {
  if ('error' in facts) return { kind: 'failed', msg: facts.error };
  const seconds = (facts.stop.getTime() - facts.start.getTime()) / 1000;
  const unit = args.minutes !== undefined ? 'minutes' : 'seconds';
  const duration = Math.round((unit === 'minutes' ? seconds / 60 : seconds) * 100) / 100;
  const stdout = `Paused for ${duration} ${unit}`;
  return {
    kind: 'ok',
    msg: facts.note ? `${stdout}; ${facts.note}` : stdout,
    data: {
      start: facts.start.toISOString(),
      stop: facts.stop.toISOString(),
      delta: Math.trunc(seconds),
      echo: args.echo ?? true,
      user_input: facts.input,
      stdout,
    },
  };
}

/** The pause module (`ansible.builtin.pause`): waits on the controller once per task; never changes anything. */
export const pauseModule = defineModule<Args, Facts, never>({
  name: 'pause',
  summary: "Wait on the controller for a time, or for a prompt's answer.",
  runsOn: 'controller',
  schema: pauseSchema,
  probe,
  decide,
});
