// `engine validate PLAYBOOK [-i INVENTORY]`: parse and check everything; contact no host.
import { loadInventory, selectHosts } from '../inventory/index.ts';
import { checkPlaybookVarsFiles } from '../executor/playbookVars.ts';
import { loadPlaybook } from '../playbook/load.ts';
import { Problems } from '../playbook/problems.ts';
import { FleetError } from '../errors.ts';
import { list, parseCommand, str, type OptionSpec } from './args.ts';
import { setUpVault, vaultHelp, vaultOptions } from './vaultPassword.ts';
import { moduleRegistry } from '../../modules/index.ts';

const options: OptionSpec = {
  inventory: { type: 'string', short: 'i' },
  'roles-path': { type: 'string', multiple: true },
  ...vaultOptions,
};

/** Help text of `validate`. */
export const validateHelp = `Usage: engine validate PLAYBOOK [-i INVENTORY]

Parses and validates the playbook (structure, keyword shapes, modules, arguments, expressions, template
syntax, literal regexes, included task and vars files, its roles' files (meta, defaults, vars, tasks,
handlers, templates), the controller files a literal src names, the
quoting of literal command lines) and, with -i, the inventory and each play's host pattern. Contacts no host. Exit 0 if valid, 4 if not.
Problems in a task file that include_tasks loads under a \`when\` (a RedHat-only file of a role) are
printed as warnings: a run fails on them only on a host that reaches the include.

Options:
  -i, --inventory FILE     inventory file or directory (Ansible INI or YAML)
      --roles-path DIRS    where roles are looked for (':'-separated, repeatable), before
                           ANSIBLE_ROLES_PATH or ansible.cfg's roles_path (after roles/ beside the playbook)
${vaultHelp}`;

/** Runs `engine validate`; returns the exit code. */
export async function validateCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const p = parseCommand(argv, options);
  if (p.values.help) {
    out(validateHelp + '\n');
    return 0;
  }
  const [file] = p.positionals;
  if (!file) throw new FleetError('arguments', 'usage: engine validate PLAYBOOK [-i INVENTORY]');
  await setUpVault(p);
  // As a run loads it: problems in an include_tasks file under a `when` (a RedHat-only file of a role)
  // fail only a run that reaches the include, so they are warnings here, not errors.
  const guarded = new Problems();
  const playbook = loadPlaybook(file, moduleRegistry, {
    rolesPath: list(p, 'roles-path'),
    deferGuardedIncludes: true,
    guardedProblems: guarded,
  });
  const inventoryFile = str(p, 'inventory');
  const inventory = inventoryFile ? loadInventory(inventoryFile) : undefined;
  // The run reads group_vars/ and host_vars/ beside the playbook; a broken one must not pass validate.
  checkPlaybookVarsFiles(playbook, inventory);
  for (const play of playbook.plays) {
    const hosts = inventory ? selectHosts(inventory, play.hosts) : undefined;
    const count = countTasks([...play.preTasks, ...play.tasks, ...play.postTasks]);
    const n = (k: number, word: string): string => `${k} ${word}${k === 1 ? '' : 's'}`;
    out(
      `play '${play.name}': ${n(count, 'task')}, ${n(play.handlers.length, 'handler')}${hosts ? `, ${n(hosts.length, 'host')} (${hosts.join(', ') || 'none'})` : ''}\n`,
    );
  }
  if (guarded.list.length > 0) {
    const n = guarded.inReadingOrder().length;
    out(
      `warning: ${n} problem${n === 1 ? '' : 's'} in task files included under a \`when\`; a run fails on them only on a host that reaches the include:\n${guarded.format()}\n`,
    );
  }
  out(`${file}: valid\n`);
  return 0;
}

function countTasks(nodes: import('../types.ts').TaskNode[]): number {
  let n = 0;
  for (const node of nodes) {
    if (node.kind === 'task') n++;
    else if (node.kind === 'block') n += countTasks(node.block) + countTasks(node.rescue) + countTasks(node.always);
    else n += countTasks(node.tasks ?? []);
  }
  return n;
}
