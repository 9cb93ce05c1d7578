// module_defaults (play, block, include, task) and the `collections` keyword. Defaults are merged under a
// task's own arguments at load time, before its arguments are checked, outer levels first and inner ones
// over them, as Ansible's get_action_args_with_defaults does. Keys are module names (`file`,
// `ansible.builtin.file`, any name the registry resolves) or action groups (`group/<name>`). No module of
// fleetplay belongs to an Ansible action group (ansible.builtin defines none; groups such as `group/aws`,
// `group/k8s` or `group/community.general.proxmox` hold modules fleetplay does not have), so a group's
// defaults apply to no task, as they would apply to none of these modules in Ansible. A name that is no
// module fleetplay has is ignored likewise (it can match no task).
import { isTemplated } from '../template/render.ts';
import type { ModuleDefinition, ModuleRegistry, Vars } from '../types.ts';
import type { YamlFile } from '../yaml/load.ts';
import type { Problems } from './problems.ts';
import { canonicalArgs } from './argAliases.ts';
import { describeValue } from './wording.ts';

type Path = Array<string | number>;
type Raw = Record<string, unknown>;

/** The defaults in force while parsing: one mapping (module key → arguments) per level, outermost first. */
export interface DefaultsStack {
  moduleDefaults?: Raw[];
}

// Ansible's collection names: namespace.name, each a Python identifier (ansible.builtin, community.general).
const COLLECTION = /^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Checks `raw` (the keyword's value at `at`) and returns its levels' mappings (a list of mappings is
 * several, in order), or [] when absent or refused.
 */
export function readModuleDefaults(yaml: YamlFile, at: Path, raw: unknown, problems: Problems): Raw[] {
  if (raw === undefined || raw === null) return [];
  if (typeof raw === 'string' && isTemplated(raw)) {
    problems.add(
      yaml,
      at,
      'module_defaults cannot be a template in fleetplay (defaults are merged when the playbook is loaded); write a mapping',
    );
    return [];
  }
  const list = Array.isArray(raw) ? raw : [raw];
  const out: Raw[] = [];
  list.forEach((level, i) => {
    const where = Array.isArray(raw) ? [...at, i] : at;
    if (!level || typeof level !== 'object' || Array.isArray(level)) {
      problems.add(yaml, where, `module_defaults must be a mapping of module names to arguments, got ${describeValue(level)}`);
      return;
    }
    const kept: Raw = {};
    for (const [name, args] of Object.entries(level as Raw)) {
      if (name.startsWith('group/') && name.length === 'group/'.length) {
        problems.add(yaml, [...where, name], "an action group needs a name: 'group/<name>'", 'key');
        continue;
      }
      if (args !== null && (typeof args !== 'object' || Array.isArray(args))) {
        problems.add(yaml, [...where, name], `the defaults of '${name}' must be a mapping of arguments, got ${describeValue(args)}`);
        continue;
      }
      Object.defineProperty(kept, name, { value: args ?? {}, enumerable: true, writable: true, configurable: true });
    }
    out.push(kept);
  });
  return out;
}

/** Checks the `collections` keyword: a list of collection names (a single name is one), as Ansible takes it. */
export function checkCollections(yaml: YamlFile, at: Path, raw: unknown, problems: Problems): void {
  if (raw === undefined || raw === null) return;
  const list = Array.isArray(raw) ? raw : [raw];
  list.forEach((name, i) => {
    const where = Array.isArray(raw) ? [...at, i] : at;
    if (typeof name !== 'string' || !COLLECTION.test(name))
      problems.add(
        yaml,
        where,
        `collections takes collection names such as community.general (namespace.name), got ${describeValue(name)}`,
      );
  });
}

/** Parses what `task` encloses with its module_defaults (if any) in force over the outer ones. */
export function underModuleDefaults<T>(
  yaml: YamlFile,
  at: Path,
  task: Raw,
  ctx: DefaultsStack & { problems: Problems },
  parse: () => T,
): T {
  checkCollections(yaml, [...at, 'collections'], task.collections, ctx.problems);
  const levels = readModuleDefaults(yaml, [...at, 'module_defaults'], task.module_defaults, ctx.problems);
  if (levels.length === 0) return parse();
  const saved = ctx.moduleDefaults;
  ctx.moduleDefaults = [...(saved ?? []), ...levels];
  try {
    return parse();
  } finally {
    ctx.moduleDefaults = saved;
  }
}

/** The defaults for `mod` in force (outer levels first, inner over them), with Ansible's argument aliases resolved. */
export function defaultsFor(mod: ModuleDefinition, stack: DefaultsStack, modules: ModuleRegistry): Vars {
  const merged: Vars = {};
  for (const level of stack.moduleDefaults ?? []) {
    for (const [name, args] of Object.entries(level)) {
      if (name.startsWith('group/') || modules.find(name)?.name !== mod.name) continue;
      for (const [k, v] of Object.entries(canonicalArgs(mod.schema, { ...(args as Vars) }).args))
        Object.defineProperty(merged, k, { value: v, enumerable: true, writable: true, configurable: true });
    }
  }
  return merged;
}
