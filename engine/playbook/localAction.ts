// local_action, as Ansible reads it: the module runs on the controller, exactly as `delegate_to: localhost`.
// `action` is the same form without the delegation (the module runs where the task runs).
// Two forms: free form (`local_action: command echo hi`, the first word names the module) and a
// mapping (`local_action: {module: copy, src: a, dest: b}`). The task is rewritten to its module key
// plus `delegate_to: localhost` before anything else reads it.
import type { YamlFile } from '../yaml/load.ts';
import type { Problems } from './problems.ts';

type Raw = Record<string, unknown>;
type Path = Array<string | number>;

/** `raw` with `local_action` turned into its module key and `delegate_to: localhost`; `raw` itself when it has none. */
export function expandLocalAction(yaml: YamlFile, at: Path, raw: Raw, problems: Problems): Raw {
  const keyword = Object.hasOwn(raw, 'local_action') ? 'local_action' : Object.hasOwn(raw, 'action') ? 'action' : undefined;
  if (!keyword) return raw;
  const { [keyword]: value, ...rest } = raw;
  const where = [...at, keyword];
  if (keyword === 'local_action' && Object.hasOwn(rest, 'delegate_to')) {
    // Ansible refuses this pair too ("conflicting action statements" / delegate_to with local_action).
    problems.add(yaml, [...at, 'delegate_to'], "local_action runs on the controller already: 'delegate_to' cannot be used with it", 'key');
  }
  let module: string | undefined;
  let args: unknown;
  if (typeof value === 'string') {
    const m = /^\s*(\S+)\s*([\s\S]*)$/.exec(value);
    module = m?.[1];
    args = m?.[2] ? m[2] : null;
  } else if (value && typeof value === 'object' && !Array.isArray(value)) {
    const { module: name, ...moduleArgs } = value as Raw;
    if (typeof name === 'string' && name !== '') module = name;
    args = moduleArgs;
  }
  if (!module) {
    problems.add(yaml, where, `${keyword} needs a module: '${keyword}: command echo hi' or '${keyword}: {module: copy, …}'`);
    return rest;
  }
  if (Object.hasOwn(rest, module)) {
    problems.add(yaml, [...at, module], `'${module}' is given twice: beside ${keyword} and inside it`, 'key');
    return rest;
  }
  // Defined, not assigned: a module named `__proto__` stays a key (and is then refused as unknown).
  const out: Raw = {};
  for (const [k, v] of Object.entries(rest))
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  Object.defineProperty(out, module, { value: args, enumerable: true, writable: true, configurable: true });
  if (keyword === 'local_action') out.delegate_to = 'localhost';
  return out;
}
