// `apply` of include_role and include_tasks: a mapping of task keywords the included tasks get (the
// include's own keywords apply to the include alone).
import type { TaskScope } from '../types.ts';
import type { YamlFile } from '../yaml/load.ts';
import { booleanWord } from './keywords.ts';
import type { Problems } from './problems.ts';

type Path = Array<string | number>;
type Raw = Record<string, unknown>;

/** The keywords `apply` may give. */
export const KEYWORDS_OF_APPLY = [
  'when',
  'tags',
  'become',
  'become_user',
  'check_mode',
  'no_log',
  'ignore_errors',
  'vars',
  'environment',
  'ignore_unreachable',
  'become_method',
  'remote_user',
  'delegate_to',
  'delegate_facts',
];

/** Parses `apply` at `at` with the task-keyword parser the caller passes (tasks.ts's parseScope). */
export function applyScope<C extends { problems: Problems }>(
  yaml: YamlFile,
  at: Path,
  raw: unknown,
  ctx: C,
  scopeOf: (yaml: YamlFile, at: Path, raw: Raw, ctx: C) => TaskScope,
): TaskScope {
  const apply: Raw = raw && typeof raw === 'object' && !Array.isArray(raw) ? { ...(raw as Raw) } : {};
  for (const k of Object.keys(apply)) {
    if (!KEYWORDS_OF_APPLY.includes(k)) {
      ctx.problems.add(yaml, [...at, k], `'${k}' is not supported in apply (supported: ${KEYWORDS_OF_APPLY.join(', ')})`, 'key');
      delete apply[k];
    }
  }
  for (const k of ['become', 'check_mode', 'no_log', 'ignore_errors', 'ignore_unreachable']) {
    const v = apply[k];
    if (typeof v === 'string' && booleanWord(v) !== undefined) apply[k] = booleanWord(v);
  }
  if (typeof apply.tags === 'string') apply.tags = apply.tags.split(',').map((t) => t.trim());
  const { delegate_to: to, delegate_facts: facts, ...keywords } = apply;
  const scope = scopeOf(yaml, at, keywords, ctx);
  delete scope.name;
  // delegate_to reaches the included tasks as a block's does (their own delegate_to wins).
  if (typeof to === 'string' && to.trim() !== '')
    scope.delegate = { to, location: yaml.locate([...at, 'delegate_to']), facts: facts === true || booleanWord(String(facts)) === true };
  else if (to !== undefined) ctx.problems.add(yaml, [...at, 'delegate_to'], 'delegate_to in apply must be a host name (or a template)');
  return scope;
}
