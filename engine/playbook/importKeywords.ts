// run_once on an import_tasks entry: Ansible applies an import's keywords to every task it imports, so each
// imported task (inside blocks and nested imports too) runs on the first host only.
import type { TaskNode } from '../types.ts';

/** Sets run_once on every task of `nodes`, through blocks and imported files, as an import's run_once does. */
export function markRunOnce(nodes: TaskNode[]): void {
  for (const node of nodes) {
    if (node.kind === 'task') node.runOnce = true;
    else if (node.kind === 'block') for (const list of [node.block, node.rescue, node.always]) markRunOnce(list);
    else if (node.kind === 'include' && node.tasks) markRunOnce(node.tasks);
  }
}
