// --start-at-task and --step: which tasks of a run are skipped before the named one, and the question
// asked before each task. Both are inputs of runPlaybook (RunOptions), decided by the command line.
import path from 'node:path';
import { FleetError } from '../errors.ts';
import type { Playbook, TaskDef, TaskNode } from '../types.ts';

/** The task a run starts at; `reached` turns true when the strategy gets to it (per batch). */
export interface StartAt {
  task: TaskDef;
  reached: boolean;
}

/** --step's answer for one task: run it, skip it, or run it and every later task without asking. */
export type StepAnswer = 'yes' | 'no' | 'continue';

/** Asks the operator about one task (its header title). */
export type StepPrompt = (title: string) => Promise<StepAnswer>;

/** Ansible's `role : name` for a task of a role; the bare name otherwise. */
export function qualifiedName(task: TaskDef): string | undefined {
  if (!task.name) return undefined;
  return task.rolePath ? `${path.basename(task.rolePath)} : ${task.name}` : task.name;
}

/**
 * Python's fnmatch as Ansible uses it for --start-at-task: `*`, `?`, `[seq]`, `[!seq]`, whole-name,
 * case-sensitive (POSIX).
 */
export function fnmatch(name: string, pattern: string): boolean {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let body = pattern.slice(i + 1, end).replace(/\\/g, '\\\\');
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        else if (body.startsWith('^')) body = `\\${body}`;
        re += `[${body}]`;
        i = end;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^(?:${re})$`, 's').test(name);
}

/** Whether `task` is the one --start-at-task names: its name or `role : name`, equal or matching as a glob. */
export function taskMatches(task: TaskDef, pattern: string): boolean {
  const names = [task.name, qualifiedName(task)].filter((n): n is string => n !== undefined);
  return names.some((n) => n === pattern || fnmatch(n, pattern));
}

/**
 * The first task of the playbook (plays in order; pre_tasks, roles and tasks, post_tasks) that `pattern`
 * names, and its play's index. Static imports and include files with a literal name are followed; a file
 * named by a template cannot be (Ansible: "--start-at-task can only follow static includes").
 */
export function findStartTask(playbook: Playbook, pattern: string): { play: number; task: TaskDef } {
  for (const [play, def] of playbook.plays.entries()) {
    const task = firstMatch([...def.preTasks, ...def.tasks, ...def.postTasks], pattern);
    if (task) return { play, task };
  }
  throw new FleetError(
    'arguments',
    `--start-at-task: no task matches '${pattern}' (names are matched whole, as globs, also as 'role : name'; only tasks in the playbook, its roles and task files with literal names can be found)`,
  );
}

function firstMatch(nodes: TaskNode[], pattern: string): TaskDef | undefined {
  for (const node of nodes) {
    if (node.kind === 'task') {
      if (node.module !== 'meta' && taskMatches(node, pattern)) return node;
      continue;
    }
    const found = firstMatch(children(node), pattern);
    if (found) return found;
  }
  return undefined;
}

function children(node: TaskNode): TaskNode[] {
  if (node.kind === 'block') return [...node.block, ...node.rescue, ...node.always];
  if (node.kind === 'include') return node.role ? (node.role.loaded ? [node.role.loaded.block] : []) : (node.tasks ?? []);
  return [];
}

/** Whether `node` is or holds `task`. */
function holds(node: TaskNode, task: TaskDef): boolean {
  return node === task || children(node).some((c) => holds(c, task));
}

/**
 * Whether the strategy skips `node` because the run has not reached its start task: every node before
 * it is skipped, except the blocks and includes that lead to it. Reaching it ends the skipping.
 */
export function skippedBeforeStart(node: TaskNode, startAt: StartAt | undefined): boolean {
  if (!startAt || startAt.reached) return false;
  if (node === startAt.task) {
    startAt.reached = true;
    return false;
  }
  return !holds(node, startAt.task);
}

/** --step for a whole run: after 'continue', every later task runs without asking. */
export function stepper(ask: StepPrompt): StepPrompt {
  let asking = true;
  return async (title) => {
    if (!asking) return 'yes';
    const answer = await ask(title);
    if (answer === 'continue') asking = false;
    return answer;
  };
}
