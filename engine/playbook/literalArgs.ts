// Checks of module arguments that need the controller's files, the command splitter or the template
// parser: a `src` that is not there, a command line with an unbalanced quote, a template that does not
// parse. Values only known after templating are left to the run.
import { readControllerFile } from '../controllerFile.ts';
import { FleetError } from '../errors.ts';
import { parseExpression } from '../expr/index.ts';
import { compilePythonRegex } from '../regex/index.ts';
import { isTemplated } from '../template/render.ts';
import type { Vars } from '../types.ts';
import type { YamlFile } from '../yaml/load.ts';
import { commandQuoteProblem, shellQuoteProblem, type QuoteProblem } from './commandLine.ts';
import { checkLocalFile, type LocalKind } from './localFiles.ts';
import type { Problems } from './problems.ts';
import { expressionStringProblem } from '../template/expressionString.ts';
import { templatedStrings, templateFileProblem } from './templateSyntax.ts';
import { DELIMITER_SETTINGS } from '../jinja/delimiters.ts';
import type { JinjaOptions } from '../jinja/index.ts';

type Path = Array<string | number>;

/** What the checks need from the parse: where to record problems, and the playbook's folder. */
export interface LiteralCheckContext {
  problems: Problems;
  playbookDir: string;
  /** The folder of the role whose files are being parsed: its templates/ and files/ are searched first. */
  rolePath?: string;
  /** Set once a task that runs on the controller (delegate_to, local_action, connection: local) is parsed. */
  controllerTask?: { seen: boolean };
  /** Problems that only warn at validate time (the run meets them, or not). */
  guarded?: Problems;
}

/** A literal `src` read from the controller must be there now, not only when the task runs. */
export function checkLocalSrc(yaml: YamlFile, module: string, args: Vars, at: Path, ctx: LiteralCheckContext): void {
  const src = args.src;
  if (typeof src !== 'string' || src === '' || isTemplated(src)) return;
  let kind: LocalKind;
  if (module === 'template') kind = 'templates';
  else if (module === 'copy' && !onHost(args.remote_src)) kind = 'files';
  else if (module === 'unarchive' && !onHost(args.remote_src) && !/^(https?|ftp):\/\//i.test(src)) kind = 'files';
  else return;
  const found = checkLocalFile(module, src, kind, yaml.file, ctx.playbookDir, ctx.rolePath);
  // A src missing now that an earlier controller task may create (Ansible looks for it when the task
  // runs): validate warns, and the run fails the task if it is still missing then.
  if (found.kind === 'problem' && found.missing && ctx.controllerTask?.seen) ctx.guarded?.add(yaml, at, found.message);
  else if (found.kind === 'problem') ctx.problems.add(yaml, at, found.message);
  else if (module === 'template') checkTemplateFile(found.file, ctx, args);
}

/** remote_src: the src is on the host (true, or a template that may render to true): nothing to find here. */
function onHost(remoteSrc: unknown): boolean {
  return remoteSrc === true || (typeof remoteSrc === 'string' && (isTemplated(remoteSrc) || /^(yes|true|on|1|y|t)$/i.test(remoteSrc)));
}

// A template file larger than this is left to the run (which reads it anyway): validate stays quick.
const MAX_CHECKED_TEMPLATE = 4 * 1024 * 1024;

/** A template file's syntax error, at its line in that file. */
function checkTemplateFile(file: string, ctx: LiteralCheckContext, args: Vars): void {
  let text: string;
  try {
    // The modules' reader: a file swapped for a FIFO since the search cannot block validate.
    text = readControllerFile(file, { what: 'template src', maxBytes: MAX_CHECKED_TEMPLATE }).toString('utf8');
  } catch {
    return; // Unreadable now, or larger than checked here: the run reads it and reports problems with the task.
  }
  const problem = templateFileProblem(file, text, templateOptions(args));
  if (problem) ctx.problems.at({ file, line: problem.line ?? 1, column: problem.column ?? 1 }, problem.message);
}

// The template task's whitespace options and delimiters, when written as plain values (templated ones wait for the run).
function templateOptions(args: Vars): JinjaOptions | undefined {
  const options: JinjaOptions = {};
  if (typeof args.trim_blocks === 'boolean') options.trimBlocks = args.trim_blocks;
  if (typeof args.lstrip_blocks === 'boolean') options.lstripBlocks = args.lstrip_blocks;
  for (const [setting, field] of DELIMITER_SETTINGS) {
    const value = args[setting];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value === '' || isTemplated(value)) return undefined;
    options.delimiters = { ...options.delimiters, [field]: value };
  }
  return options;
}

/**
 * `{{ … }}` in values the executor renders (arguments, loop items, names): each expression is parsed now
 * (syntax, unknown filters and tests) and a problem is reported at its place in the string.
 */
export function checkTemplates(yaml: YamlFile, value: unknown, at: (sub: Path) => Path, ctx: LiteralCheckContext): void {
  for (const { path, text } of templatedStrings(value)) {
    const problem = expressionStringProblem(text);
    if (problem) ctx.problems.addInString(yaml, at(path), text, problem.offset, `template error: ${problem.message}`);
  }
}

/**
 * command without a command line (neither `cmd` nor `argv`), or with both: Ansible's module fails on
 * every host ('no command given', 'only command or argv can be given, not both'). Refused here for a
 * task not written to fail; one written to fail (ignore_errors, failed_when) runs, and the module
 * fails with Ansible's result (rc 256), which such a task may check. shell's `expand_argument_vars`
 * (command's only; Ansible's shell action fails on it) likewise.
 */
export function checkCommandGiven(
  yaml: YamlFile,
  module: string,
  args: Vars,
  argAt: (key: string) => Path,
  ctx: LiteralCheckContext,
): void {
  if (module === 'shell' && args.expand_argument_vars !== undefined)
    ctx.problems.add(yaml, argAt('expand_argument_vars'), "shell takes no 'expand_argument_vars' (command's only)", 'key');
  if (module !== 'command') return;
  const given = typeof args.cmd === 'string' && args.cmd.trim() !== '';
  if (given && args.argv !== undefined)
    ctx.problems.add(yaml, argAt('argv'), 'command: only command or argv can be given, not both', 'key');
  else if (!given && args.argv === undefined)
    ctx.problems.add(yaml, argAt('cmd'), 'command: no command given (neither a command line nor argv)');
}

/** A literal command line with an unbalanced quote fails on every host: say so here, at the quote. */
export function checkCommandLine(yaml: YamlFile, module: string, args: Vars, written: unknown, at: Path, ctx: LiteralCheckContext): void {
  const cmd = args.cmd;
  if (typeof cmd !== 'string') return;
  let problem: QuoteProblem | undefined;
  if (module === 'command') problem = commandQuoteProblem(cmd);
  else if (module === 'shell') problem = shellQuoteProblem(cmd, args.executable);
  if (!problem) return;
  // The free form (`command: echo 'x creates=/y`) is the written string; its options were taken out.
  const text = typeof written === 'string' ? written : cmd;
  const start = text.indexOf(cmd);
  const offset = problem.offset !== undefined && start >= 0 ? start + problem.offset : undefined;
  ctx.problems.addInString(yaml, at, text, offset, `${module}: ${problem.message}`);
}

/**
 * assert's `that`: each condition is an expression. One without a template is parsed now (the run
 * renders templates in arguments first, so a templated one can only be parsed then).
 */
export function checkAssertions(yaml: YamlFile, module: string, args: Vars, at: Path, ctx: LiteralCheckContext): void {
  if (module !== 'assert') return;
  const that = args.that;
  const list = Array.isArray(that) ? that : [that];
  list.forEach((expr, i) => {
    if (typeof expr !== 'string' || isTemplated(expr)) return;
    try {
      parseExpression(expr);
    } catch (err) {
      const offset = (err as { offset?: number }).offset;
      ctx.problems.addInString(yaml, Array.isArray(that) ? [...at, i] : at, expr, offset, `invalid expression: ${(err as Error).message}`);
    }
  });
}

// The arguments each module compiles as a Python `re` pattern, and the words that are not patterns.
const PATTERN_ARGS: Record<string, Record<string, string[]>> = {
  lineinfile: { regexp: [], insertafter: ['EOF', 'BOF'], insertbefore: ['BOF'] },
  replace: { regexp: [] },
};

/** A literal regex argument is compiled now, on the same linear-time engine the module uses. */
export function checkPatterns(yaml: YamlFile, module: string, args: Vars, at: (key: string) => Path, ctx: LiteralCheckContext): void {
  for (const [key, words] of Object.entries(PATTERN_ARGS[module] ?? {})) {
    const pattern = args[key];
    if (typeof pattern !== 'string' || isTemplated(pattern) || words.includes(pattern)) continue;
    try {
      compilePythonRegex(pattern, { kind: 'arguments' });
    } catch (err) {
      if (!(err instanceof FleetError)) throw err;
      ctx.problems.add(yaml, at(key), `argument '${key}': ${err.message}`);
    }
  }
}
