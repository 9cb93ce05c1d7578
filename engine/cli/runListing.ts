// `engine run --list-hosts / --list-tasks / --list-tags`: what ansible-playbook prints for them, per play,
// from the validated playbook and inventory alone (no host is contacted).
import { selectHosts } from '../inventory/index.ts';
import { qualifiedName } from '../executor/startAt.ts';
import { tagsAllow, type TagFilter } from '../executor/tags.ts';
import type { Inventory, Playbook, TaskNode } from '../types.ts';

/** Which lists to print. */
export interface ListRequest {
  hosts: boolean;
  tasks: boolean;
  tags: boolean;
}

/** The listing, in ansible-playbook's layout (tab before TAGS, two-space indents). */
export function formatListing(
  playbook: Playbook,
  file: string,
  inventory: Inventory,
  request: ListRequest,
  options: { limit?: ReadonlySet<string>; tags: TagFilter },
): string {
  let text = `\nplaybook: ${file}\n`;
  for (const [index, play] of playbook.plays.entries()) {
    text += `\n  play #${index + 1} (${play.hosts}): ${play.name}\tTAGS: [${[...new Set(play.tags)].join(',')}]\n`;
    if (request.hosts) {
      const hosts = selectHosts(inventory, play.hosts).filter((h) => !options.limit || options.limit.has(h));
      text += `    pattern: ['${play.hosts}']\n    hosts (${hosts.length}):\n${hosts.map((h) => `      ${h}\n`).join('')}`;
    }
    if (!request.tasks && !request.tags) continue;
    const allTags = new Set(play.tags);
    const lines: string[] = [];
    const visit = (nodes: TaskNode[], inherited: string[]): void => {
      for (const node of nodes) {
        const tags = [...inherited, ...node.tags];
        if (node.kind === 'block') {
          visit([...node.block, ...node.rescue, ...node.always], tags);
          continue;
        }
        if (!tagsAllow(tags, options.tags)) continue;
        for (const t of tags) allTags.add(t);
        const name =
          node.kind === 'task' ? (qualifiedName(node) ?? node.module) : (node.name ?? (node.role ? 'include_role' : 'include_tasks'));
        lines.push(`      ${name}\tTAGS: [${[...new Set(tags)].sort().join(', ')}]\n`);
        // A task file with a literal name is known before the run: its tasks are listed (Ansible lists an import's).
        if (node.kind === 'include' && !node.role && node.tasks) visit(node.tasks, tags);
      }
    };
    visit([...play.preTasks, ...play.tasks, ...play.postTasks], play.tags);
    if (request.tasks) text += `    tasks:\n${lines.join('')}`;
    if (request.tags) text += `      TASK TAGS: [${[...allTags].sort().join(', ')}]\n`;
  }
  return text;
}
