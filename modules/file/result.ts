// The file module's result fields, as Ansible's file.py returns them: the path under `path` or `dest` (by
// state), `src` for links, `state: absent` for a removal, Ansible's `diff` dictionary, and the path's info
// (add_path_info: uid, gid, owner, group, mode, state, size) over them. Pure.
import type { DiffEntry, ResultData } from '../../engine/types.ts';
import { resultFields } from './pathInfo.ts';
import type { FileArgs } from './schema.ts';
import type { FileDecision, FileFacts, ResultTarget } from './types.ts';

/** Where the result reports for this task (Ansible's per-state return dictionaries). */
export function resultTarget(args: FileArgs, facts: FileFacts): ResultTarget {
  const state = facts.plan.state;
  const followed = facts.followed && facts.followed.state.type !== 'absent' ? facts.followed.path : undefined;
  switch (state) {
    case 'absent':
      return { key: 'path', path: args.path, own: { state: 'absent' } };
    case 'touch':
      return { key: 'dest', path: args.path, own: {} };
    case 'link': {
      const src = args.src ?? (facts.current.type === 'link' ? facts.current.target : undefined);
      return { key: 'dest', path: args.path, own: src !== undefined ? { src } : {} };
    }
    case 'hard':
      return { key: 'dest', path: args.path, own: args.src !== undefined ? { src: args.src } : {} };
    default:
      // file and directory act on a followed link's target, and report it.
      return { key: 'path', path: followed ?? args.path, own: {} };
  }
}

/** Ansible's diff dictionary: the path, the state when it changes, a link's old and new src, the attributes changed. */
export function ansibleDiff(args: FileArgs, facts: FileFacts, entries: DiffEntry[], wanted: string): ResultData {
  const before: Record<string, unknown> = { path: args.path };
  const after: Record<string, unknown> = { path: args.path };
  const prev = facts.current.type === 'other' ? 'file' : facts.current.type;
  const hard = facts.info.get(args.path)?.state === 'hard';
  const was = prev === 'file' && hard ? 'hard' : prev;
  if (was !== wanted) {
    before.state = was;
    after.state = wanted;
    if (wanted === 'absent' && facts.pathContent) before.path_content = facts.pathContent;
  }
  if (wanted === 'link' && facts.current.type === 'link' && args.src !== undefined && facts.current.target !== args.src) {
    before.src = facts.current.target;
    after.src = args.src;
  }
  const num = (v: string) => (/^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v);
  for (const e of entries) {
    const name = e.header.split(' ')[0];
    if (name === 'mode' || name === 'owner' || name === 'group') {
      before[name] = e.before;
      after[name] = e.after;
    }
    // The times: Ansible's update_timestamp_for_file puts the epochs (now: the time it ran).
    const time = name === 'access' ? ['atime'] : name === 'modification' ? ['mtime'] : name === 'times' ? ['atime', 'mtime'] : [];
    for (const k of time) {
      before[k] = num(e.before);
      // 'now' stays a word (Ansible: the time it ran; decide stays pure).
      after[k] = num(e.after);
    }
  }
  return { before, after };
}

/**
 * The decision with its result fields. ok and failed report the path's info as read; a change in check mode
 * too (Ansible reads the unchanged host), while a real run's apply reads it after acting.
 */
export function withResult(args: FileArgs, facts: FileFacts, decision: FileDecision, check: boolean): FileDecision {
  const target = resultTarget(args, facts);
  const info = facts.info.get(target.path);
  if (decision.kind === 'change') {
    const own = { ...target.own, diff: ansibleDiff(args, facts, decision.diff ?? [], facts.plan.state) };
    const result = { ...target, own };
    return {
      ...decision,
      change: { ...decision.change, result },
      ...(check ? { data: resultFields(target.key, target.path, info, own) } : {}),
    };
  }
  // Every state but absent returns its diff, also when nothing changes (it holds the path alone then).
  const diff = decision.kind === 'ok' && facts.plan.state !== 'absent' ? { diff: ansibleDiff(args, facts, [], facts.plan.state) } : {};
  const data = resultFields(target.key, target.path, info, { ...target.own, ...diff, ...(decision.data ?? {}) });
  return { ...decision, data } as FileDecision;
}
