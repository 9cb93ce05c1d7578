// gather_subset as Ansible reads it: `all`, `min`, a subset name, or `!name` to leave one out.

/** What fleetplay's fact command collects, by Ansible's collector names. */
export type FactCollector =
  | 'apparmor'
  | 'date_time'
  | 'distribution'
  | 'dns'
  | 'env'
  | 'fips'
  | 'lsb'
  | 'pkg_mgr'
  | 'platform'
  | 'python'
  | 'selinux'
  | 'service_mgr'
  | 'user'
  | 'hardware'
  | 'network'
  | 'virtual';

// Ansible's minimal_gather_subset; caps, cmdline, local and ssh_pub_keys are accepted and collect nothing here.
const MIN: readonly string[] = [
  'apparmor',
  'caps',
  'cmdline',
  'date_time',
  'distribution',
  'dns',
  'env',
  'fips',
  'local',
  'lsb',
  'pkg_mgr',
  'platform',
  'python',
  'selinux',
  'service_mgr',
  'ssh_pub_keys',
  'user',
];
// Ansible's other valid subsets: facter and ohai (never run here), and the names of hardware's and network's parts.
const OTHER: readonly string[] = ['hardware', 'network', 'virtual', 'facter', 'ohai', 'devices', 'dmi', 'interfaces', 'mounts'];
const VALID = new Set([...MIN, ...OTHER]);
const ALIASES: Record<string, string[]> = { hardware: ['devices', 'dmi', 'mounts'], network: ['interfaces'] };
const COLLECTED = new Set<string>([
  'apparmor',
  'date_time',
  'distribution',
  'dns',
  'env',
  'fips',
  'lsb',
  'pkg_mgr',
  'platform',
  'python',
  'selinux',
  'service_mgr',
  'user',
  'hardware',
  'network',
  'virtual',
]);
// Collectors whose facts need another's (Ansible resolves these `required_facts` the same way).
const REQUIRES: Record<string, string[]> = { pkg_mgr: ['distribution', 'platform'], service_mgr: ['platform'], lsb: ['distribution'] };

/** The subset list as given (a string is split on commas, as Ansible's `list` option type does). */
export function subsetList(value: unknown): string[] {
  if (value === undefined || value === null) return ['all'];
  const raw = Array.isArray(value) ? value.map(String) : String(value).split(',');
  return raw.map((s) => s.trim()).filter((s) => s !== '');
}

/**
 * The collectors a gather_subset list selects, following Ansible's get_collector_names: `min` is always
 * included unless `!min`; `!all` leaves out all but min; an unknown name to add is an error, an unknown
 * name to leave out is ignored. Throws with Ansible's wording for a bad subset.
 */
export function collectorsFor(subsets: readonly string[]): Set<FactCollector> {
  const add = new Set<string>();
  const exclude = new Set<string>();
  const explicit = new Set<string>();
  for (const subset of ['min', ...subsets]) {
    if (subset === 'min') {
      for (const s of MIN) add.add(s);
    } else if (subset === 'all') {
      for (const s of VALID) add.add(s);
    } else if (subset === '!min') {
      for (const s of MIN) exclude.add(s);
    } else if (subset === '!all') {
      for (const s of VALID) if (!MIN.includes(s)) exclude.add(s);
    } else if (subset.startsWith('!')) {
      const name = subset.slice(1);
      exclude.add(name);
      for (const a of ALIASES[name] ?? []) exclude.add(a);
    } else {
      if (!VALID.has(subset))
        throw new Error(`Bad subset '${subset}' given to Ansible. gather_subset options allowed: all, ${[...VALID].sort().join(', ')}`);
      explicit.add(subset);
      add.add(subset);
    }
  }
  const out = new Set<FactCollector>();
  for (const s of add) if (COLLECTED.has(s) && (!exclude.has(s) || explicit.has(s))) out.add(s as FactCollector);
  for (const s of [...out]) for (const r of REQUIRES[s] ?? []) out.add(r as FactCollector);
  return out;
}
