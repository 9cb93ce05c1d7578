// One pause per task for all its hosts, as Ansible's pause (it bypasses the host loop): the first host
// to reach the task starts the wait and every other host of the task joins that same wait.
//
// A module does not see which task it runs for, so a wait is told apart by its arguments and by the
// hosts it served: a host that comes to a wait it has not joined yet joins it (running or, for hosts a
// later --forks round brings, already over); a host that has joined it is at a later pause, which starts
// a new wait. Tasks run one after the other for all hosts, so a task's hosts always find its own wait.
import type { StateSlot } from '../../engine/types.ts';

interface Wait<T> {
  served: Set<string>;
  done: Promise<T>;
}

/** The run's current wait per arguments. */
export const PAUSES: StateSlot<Map<string, Wait<unknown>>> = { name: 'pause', init: () => new Map() };

/** The wait of this task for `host`: joined when one for the same arguments has not served it yet, else started by `start`. */
export function sharedWait<T>(waits: Map<string, Wait<unknown>>, key: string, host: string, start: () => Promise<T>): Promise<T> {
  const current = waits.get(key) as Wait<T> | undefined;
  if (current && !current.served.has(host)) {
    current.served.add(host);
    return current.done;
  }
  const wait: Wait<T> = { served: new Set([host]), done: start() };
  waits.set(key, wait as Wait<unknown>);
  return wait.done;
}
