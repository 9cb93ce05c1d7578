// Decides whether a task runs under --tags / --skip-tags, with Ansible's special tags.

/** The tag filters of a run. */
export interface TagFilter {
  only: string[];
  skip: string[];
}

/** True when a task carrying `tags` should run. Special tags: always, never, all, tagged, untagged. */
export function tagsAllow(tags: readonly string[], filter: TagFilter): boolean {
  const has = (t: string) => tags.includes(t);
  if (filter.skip.some((t) => has(t) || (t === 'tagged' && tags.length > 0) || (t === 'untagged' && tags.length === 0))) return false;
  if (filter.skip.includes('all') && !has('always')) return false;
  const only = filter.only;
  if (has('never') && !only.some((t) => has(t) && t !== 'never')) return false;
  if (only.length === 0 || only.includes('all')) return true;
  if (has('always')) return true;
  if (only.includes('tagged') && tags.length > 0) return true;
  if (only.includes('untagged') && tags.length === 0) return true;
  return only.some(has);
}
