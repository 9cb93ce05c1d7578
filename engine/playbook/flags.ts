// The boolean keywords Ansible lets a playbook template (become, check_mode, no_log, ignore_errors,
// ignore_unreachable): a literal is read as Ansible's boolean(), a `{{ }}` string is kept with its place and
// rendered per host when the task runs (engine/executor/flags.ts).
import { isTemplated } from '../template/render.ts';
import type { Flag } from '../types.ts';
import type { YamlFile } from '../yaml/load.ts';

type Path = Array<string | number>;

/** Keywords whose value may be a template, rendered for each host. */
export const TEMPLATED_FLAGS = ['become', 'check_mode', 'no_log', 'ignore_errors', 'ignore_unreachable'];

/** The keyword `key` of `raw` as a Flag: a boolean, a template with its location, or undefined. */
export function readFlag(yaml: YamlFile, at: Path, raw: Record<string, unknown>, key: string): Flag | undefined {
  const v = raw[key];
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && isTemplated(v)) return { expr: v, location: yaml.locate([...at, key]) };
  return undefined;
}
