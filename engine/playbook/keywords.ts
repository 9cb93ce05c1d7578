// Brings play and task keywords to the shapes Ansible accepts before the schema sees them, and refuses
// the shapes fleetplay would otherwise drop without a word (a templated `no_log`, a `vars` key that is
// no variable name, `loop` together with `with_items`).
import { isTemplated } from '../template/render.ts';
import type { YamlFile } from '../yaml/load.ts';
import type { Problems } from './problems.ts';
import { loopKeysIn } from '../lookups/loop.ts';
import { TEMPLATED_FLAGS } from './flags.ts';
import { describeValue } from './wording.ts';

type Path = Array<string | number>;
type Raw = Record<string, unknown>;

// Ansible's boolean(): these strings (any case) and 1/0 are booleans for a boolean keyword.
const TRUE_WORDS = new Set(['y', 'yes', 'on', '1', 'true', 't']);
const FALSE_WORDS = new Set(['n', 'no', 'off', '0', 'false', 'f']);
const BOOLEAN_KEYWORDS = [
  'become',
  'delegate_facts',
  'check_mode',
  'no_log',
  'ignore_errors',
  'run_once',
  'gather_facts',
  'any_errors_fatal',
  'force_handlers',
  'ignore_unreachable',
];
const NUMBER_KEYWORDS = ['retries', 'delay', 'throttle', 'timeout', 'max_fail_percentage', 'gather_timeout'];
const WITH_KEYWORDS = ['with_items', 'with_list'];
// loop_control keys Ansible has and fleetplay's executor does not implement: refused, not ignored.
const UNSUPPORTED_LOOP_CONTROL = ['break_when'];
// Ansible keywords (and task-like modules) fleetplay does not implement: named as such, not as typos.
const UNSUPPORTED: Record<'play' | 'task', string[]> = {
  play: [
    'vars_prompt',
    'order',
    'port',
    'ignore_errors',
    'fact_path',
    'check_mode',
    'diff',
    'no_log',
    'run_once',
    'throttle',
    'timeout',
    'debugger',
    'become_flags',
    'become_exe',
  ],
  task: ['async', 'poll', 'become_flags', 'become_exe', 'port', 'debugger', 'include', 'with_inventory_hostnames'],
};
// Ansible's isidentifier() refuses Python's keywords as variable names.
const PYTHON_KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(
    ' ',
  ),
);

/**
 * A copy of `raw` (a play, task, block or include) with boolean-like and numeric strings converted,
 * `tags: "a, b"` split and a scalar `with_items` made a one-item list, as Ansible reads them. Shapes
 * that cannot be converted are left for the schema to report; shapes fleetplay would ignore are
 * recorded in `problems` here.
 */
export function normalizeKeywords(yaml: YamlFile, at: Path, raw: Raw, problems: Problems, kind: 'play' | 'task'): Raw {
  const out: Raw = { ...raw };
  for (const key of Object.keys(out)) {
    if (!UNSUPPORTED[kind].includes(key.replace(/^ansible\.(builtin|legacy)\./, ''))) continue;
    const hint = key.startsWith('with_') ? '; use loop: with a list' : key === 'include' ? '; use include_tasks or import_tasks' : '';
    problems.add(yaml, [...at, key], `'${key}' is an Ansible ${kind} keyword that fleetplay does not support yet${hint}`, 'key');
    delete out[key];
  }
  // Ansible turns a number into the name's text.
  if (typeof out.name === 'number') out.name = String(out.name);
  for (const key of [...BOOLEAN_KEYWORDS, ...NUMBER_KEYWORDS]) {
    const v = out[key];
    if (typeof v !== 'string') {
      if (typeof v === 'number' && BOOLEAN_KEYWORDS.includes(key) && (v === 0 || v === 1)) out[key] = v === 1;
      continue;
    }
    if (isTemplated(v) && TEMPLATED_FLAGS.includes(key)) {
      // Rendered per host when the task runs (engine/executor/flags.ts).
    } else if (isTemplated(v)) {
      // The executor reads these before any variable is known; a template would be dropped silently.
      problems.add(
        yaml,
        [...at, key],
        `keyword '${key}' cannot be a template in fleetplay (it is read before variables are known); write ${BOOLEAN_KEYWORDS.includes(key) ? 'true or false' : 'a number'}`,
      );
      delete out[key];
    } else if (BOOLEAN_KEYWORDS.includes(key)) {
      const b = booleanWord(v);
      if (b !== undefined) out[key] = b;
      else if (TEMPLATED_FLAGS.includes(key)) {
        problems.add(yaml, [...at, key], `keyword '${key}' must be true or false, or a template, got ${describeValue(v)}`);
        delete out[key];
      }
    } else if (/^\s*\d+(\.\d+)?\s*$/.test(v)) {
      out[key] = Number(v);
    }
  }
  if (typeof out.tags === 'string')
    out.tags = out.tags
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== '');
  // One loop per task, as Ansible: loop, with_items, with_dict, … exclude each other.
  const [firstLoop, secondLoop] = loopKeysIn(out);
  if (secondLoop) {
    problems.add(yaml, [...at, secondLoop], `a task takes one loop: '${firstLoop}' and '${secondLoop}' cannot be used together`, 'key');
  }
  for (const key of WITH_KEYWORDS) {
    const v = out[key];
    // Ansible's listify: a string (after templating) or a number is one item.
    if ((typeof v === 'string' && !isTemplated(v)) || typeof v === 'number' || typeof v === 'boolean') out[key] = [v];
  }
  const control = out.loop_control;
  if (control && typeof control === 'object' && !Array.isArray(control)) {
    const kept: Raw = { ...(control as Raw) };
    for (const key of UNSUPPORTED_LOOP_CONTROL.filter((k) => k in kept)) {
      problems.add(
        yaml,
        [...at, 'loop_control', key],
        `loop_control '${key}' is not supported by fleetplay yet (supported: loop_var, index_var, label, pause, extended, extended_allitems)`,
        'key',
      );
      delete kept[key];
    }
    out.loop_control = kept;
  }
  checkVarNames(yaml, [...at, 'vars'], out.vars, problems);
  return out;
}

/** Ansible's boolean() of a string: true for yes/on/true/1…, false for no/off/false/0…, else undefined. */
export function booleanWord(v: string): boolean | undefined {
  const word = v.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return undefined;
}

/** Every key of a `vars` mapping must be a variable name, as Ansible requires. */
function checkVarNames(yaml: YamlFile, at: Path, vars: unknown, problems: Problems): void {
  if (!vars || typeof vars !== 'object' || Array.isArray(vars)) return;
  for (const name of Object.keys(vars)) {
    const why = variableNameProblem(name);
    if (why) problems.add(yaml, [...at, name], `'${name}' is not a valid variable name: ${why}`, 'key');
  }
}

/** Why `name` is not a variable name Ansible accepts, or undefined when it is one. */
export function variableNameProblem(name: string): string | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return 'use letters, digits and _, not starting with a digit';
  if (PYTHON_KEYWORDS.has(name)) return 'it is a Python keyword, which Ansible refuses';
  return undefined;
}

/** Whether a strategy name is Ansible's default, the one fleetplay runs. */
export function isLinear(name: string): boolean {
  return ['linear', 'ansible.builtin.linear', 'ansible.legacy.linear'].includes(name.trim());
}
