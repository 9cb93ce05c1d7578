// The become settings of a task: its keywords over the ansible_become* variables (its host's, or its
// delegate's under delegate_to).
import type { PlayRun, Scope } from './playRun.ts';
import type { TaskSettings } from './runTask.ts';
import type { TaskDef, Vars } from '../types.ts';
import { flagValue } from './flags.ts';
import type { EvalContext } from '../expr/index.ts';
import { isTemplated, renderString } from '../template/render.ts';

/** The become settings of `task` with `vars` (keywords over the ansible_become* variables); undefined when off. */
export function becomeSettings(task: TaskDef, scope: Scope, run: PlayRun, vars: Vars, context?: EvalContext): TaskSettings['become'] {
  // The command line (-b, --become-user, --become-method) is the lowest level: variables and keywords win, as in Ansible.
  const cli = run.becomeDefaults ?? {};
  const fallback = vars.ansible_become !== undefined ? truthy(vars.ansible_become) : cli.become === true;
  const become = flagValue(task.become ?? scope.become, vars, fallback, false, context);
  if (!become) return undefined;
  const keyword = task.becomeUser ?? scope.becomeUser;
  // become_user may be a template (`become_user: "{{ app_user }}"`): rendered with the task's variables.
  const user =
    keyword !== undefined
      ? isTemplated(keyword)
        ? String(renderString(keyword, vars, task.location, context) ?? '').trim()
        : keyword
      : typeof vars.ansible_become_user === 'string'
        ? vars.ansible_become_user
        : (cli.user ?? 'root');
  const password = vars.ansible_become_password ?? vars.ansible_become_pass ?? run.becomePassword;
  const byVar = vars.ansible_become_method === 'su' || vars.ansible_become_method === 'sudo' ? vars.ansible_become_method : undefined;
  const method = task.becomeMethod ?? scope.becomeMethod ?? byVar ?? cli.method ?? 'sudo';
  return { enabled: true, user, ...(typeof password === 'string' ? { password } : {}), ...(method === 'su' ? { method } : {}) };
}

function truthy(v: unknown): boolean {
  return v === true || v === 'true' || v === 'True' || v === 'yes' || v === 1 || v === '1';
}
