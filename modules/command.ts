// command and shell: run a program on the host; `creates`/`removes` make them idempotent.
import { operandPath, shellCommand, shellQuote } from '../engine/quote.ts';
import { NOT_RUN_IN_CHECK, type ModuleContext, type ModuleDefinition, type Plan, type Vars } from '../engine/types.ts';
import { splitCommandLine } from '../engine/shlex.ts';

const common = {
  creates: { type: 'string' },
  removes: { type: 'string' },
  // An empty chdir would be `cd` alone, which goes to $HOME: refused, as Ansible refuses it.
  chdir: { type: 'string', minLength: 1 },
  stdin: { type: 'string' },
} as const;

/** The command module: no shell features; words are quoted one by one. */
export const commandModule: ModuleDefinition = {
  name: 'command',
  runsOn: 'host',
  freeFormKey: 'cmd',
  schema: {
    type: 'object',
    properties: { cmd: { type: 'string', minLength: 1 }, argv: { type: 'array', items: { type: 'string' }, minItems: 1 }, ...common },
    oneOf: [{ required: ['cmd'] }, { required: ['argv'] }],
    additionalProperties: false,
  },
  plan: (args, ctx) => {
    const argv = Array.isArray(args.argv) ? (args.argv as string[]) : splitCommandLine(String(args.cmd));
    return planCommand(args, ctx, shellCommand(...argv), argv.join(' '));
  },
};

/** The shell module: the string runs under /bin/sh (or `executable`). */
export const shellModule: ModuleDefinition = {
  name: 'shell',
  runsOn: 'host',
  freeFormKey: 'cmd',
  schema: {
    type: 'object',
    properties: { cmd: { type: 'string', minLength: 1 }, executable: { type: 'string' }, ...common },
    required: ['cmd'],
    additionalProperties: false,
  },
  plan: (args, ctx) => {
    const shell = typeof args.executable === 'string' ? args.executable : '/bin/sh';
    return planCommand(args, ctx, `${shellQuote(shell)} -c ${shellQuote(String(args.cmd))}`, String(args.cmd));
  },
};

async function planCommand(args: Vars, ctx: ModuleContext, commandLine: string, shown: string): Promise<Plan> {
  const guard = await checkGuards(args, ctx);
  if (guard) return { kind: 'ok', msg: guard, data: { cmd: shown, rc: 0, stdout: '', stderr: '', stdout_lines: [], stderr_lines: [], skipped_by: guard } };
  const full = typeof args.chdir === 'string' ? `${chdirCommand(args.chdir)} && ${commandLine}` : commandLine;
  const apply = async () => {
    const started = Date.now();
    const r = await ctx.run(full, typeof args.stdin === 'string' ? { stdin: `${args.stdin}\n` } : {});
    const data = {
      cmd: shown,
      rc: r.exitCode,
      stdout: r.stdout.replace(/\n$/, ''),
      stderr: r.stderr.replace(/\n$/, ''),
      stdout_lines: lines(r.stdout),
      stderr_lines: lines(r.stderr),
      delta_ms: Date.now() - started,
    };
    if (r.timedOut) return { kind: 'failed' as const, msg: `command timed out: ${shown}`, data };
    if (r.exitCode !== 0) return { kind: 'failed' as const, msg: `non-zero return code ${r.exitCode}${firstLine(r.stderr)}`, data };
    return { kind: 'changed' as const, msg: firstLine(r.stdout).replace(/^: /, '') || `ran ${shown}`, data };
  };
  if (ctx.check && args.creates === undefined && args.removes === undefined) {
    // The engine settles this with the task's changed_when, when that does not read the output.
    return {
      kind: 'unknown',
      msg: `would run '${shown}'; its effect cannot be predicted (add creates, removes or changed_when)`,
      data: { [NOT_RUN_IN_CHECK]: `check mode does not run '${shown}'` },
    };
  }
  // What a guarded command promises: `creates` will exist afterwards, `removes` will not.
  if (ctx.check && typeof args.creates === 'string') ctx.predicted.setFile(args.creates, { type: 'file' });
  if (ctx.check && typeof args.removes === 'string') ctx.predicted.setFile(args.removes, { type: 'absent' });
  return { kind: 'change', msg: `run ${shown}`, apply };
}

/**
 * `cd` into `dir`, which is never read as an option (`-P`) nor as `-` ($OLDPWD, even after `--` in dash
 * and bash): a relative path starting with '-' gets './' in front.
 */
export function chdirCommand(dir: string): string {
  return `cd -- ${shellQuote(operandPath(dir))}`;
}

async function checkGuards(args: Vars, ctx: ModuleContext): Promise<string | undefined> {
  const creates = typeof args.creates === 'string' ? args.creates : undefined;
  const removes = typeof args.removes === 'string' ? args.removes : undefined;
  if (!creates && !removes) return undefined;
  const test = (p: string) => `[ -e ${shellQuote(p)} ] || [ -L ${shellQuote(p)} ]`;
  // In check mode an earlier task's predicted state of the path wins over the unchanged host.
  const exists = async (p: string): Promise<boolean> => {
    const predicted = ctx.check ? ctx.predicted.file(p) : undefined;
    if (predicted) return predicted.type !== 'absent';
    return (await ctx.run(test(p), { readOnly: true })).exitCode === 0;
  };
  if (creates && (await exists(creates))) return `skipped, since ${creates} exists`;
  if (removes && !(await exists(removes))) return `skipped, since ${removes} does not exist`;
  return undefined;
}

function lines(s: string): string[] {
  const t = s.replace(/\n$/, '');
  return t === '' ? [] : t.split('\n');
}

function firstLine(s: string): string {
  const l = s.trim().split('\n')[0];
  return l ? `: ${l.slice(0, 200)}` : '';
}
