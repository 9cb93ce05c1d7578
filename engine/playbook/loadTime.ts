// Templates Ansible renders while it loads a playbook (import_playbook, import_tasks and import_role names):
// only what is known before any host is contacted takes part, the vars of the play and of the task, the
// import_playbook vars and the extra vars (Ansible's variable_manager.get_vars(play, task), no host).
import { isTemplated, renderString } from '../template/render.ts';
import type { Vars } from '../types.ts';
import type { YamlFile } from '../yaml/load.ts';
import type { ParseContext } from './tasks.ts';

type Path = Array<string | number>;

/** `text` rendered with the load-time variables and `taskVars`; undefined (and a problem recorded) when it cannot be. */
export function renderAtLoad(yaml: YamlFile, at: Path, text: string, what: string, taskVars: Vars, ctx: ParseContext): string | undefined {
  if (!isTemplated(text)) return text;
  try {
    return renderString(text, { ...ctx.loadVars, ...taskVars, ...ctx.extraVars }, yaml.locate(at));
  } catch (err) {
    ctx.problems.add(
      yaml,
      at,
      `${what} is rendered when the playbook loads, before any host is contacted: only play vars, the task's vars, import_playbook vars and extra vars are known then (${(err as Error).message})`,
    );
    return undefined;
  }
}
