// gather_facts: a small, cheap fact set read with one remote command.
import type { Connection, Vars } from '../types.ts';

const FACTS_COMMAND = [
  'echo "hostname=$(hostname)"',
  'echo "fqdn=$(hostname -f 2>/dev/null || hostname)"',
  'echo "arch=$(uname -m)"',
  'echo "kernel=$(uname -r)"',
  'if [ -d /run/systemd/system ]; then echo init=systemd; else echo "init=$(cat /proc/1/comm 2>/dev/null)"; fi',
  'if [ -r /etc/os-release ]; then sed -n "s/^\\(ID\\|ID_LIKE\\|VERSION_ID\\|VERSION_CODENAME\\|PRETTY_NAME\\)=/os_\\1=/p" /etc/os-release; fi',
].join('; ');

/** Reads facts from a host. Transport errors propagate (the host is unreachable). */
export async function gatherFacts(conn: Connection): Promise<{ facts: Vars; failed?: string }> {
  const r = await conn.exec(FACTS_COMMAND);
  if (r.exitCode !== 0) return { facts: {}, failed: `fact gathering failed: ${r.stderr.trim() || `exit ${r.exitCode}`}` };
  return { facts: parseFacts(r.stdout) };
}

/** Parses the fact command's output into Ansible-named facts. */
export function parseFacts(output: string): Vars {
  const kv = new Map<string, string>();
  for (const line of output.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) kv.set(line.slice(0, eq), line.slice(eq + 1).replace(/^"(.*)"$/, '$1'));
  }
  const id = kv.get('os_ID') ?? '';
  const like = kv.get('os_ID_LIKE') ?? '';
  const family = /debian|ubuntu/.test(`${id} ${like}`) ? 'Debian' : /rhel|fedora|centos/.test(`${id} ${like}`) ? 'RedHat' : capitalize(id);
  return {
    ansible_hostname: (kv.get('hostname') ?? '').split('.')[0],
    ansible_fqdn: kv.get('fqdn') ?? '',
    ansible_architecture: kv.get('arch') ?? '',
    ansible_kernel: kv.get('kernel') ?? '',
    ansible_system: 'Linux',
    ansible_service_mgr: kv.get('init') ?? '',
    ansible_distribution: capitalize(id),
    ansible_distribution_version: kv.get('os_VERSION_ID') ?? '',
    ansible_distribution_release: kv.get('os_VERSION_CODENAME') ?? '',
    ansible_distribution_pretty: kv.get('os_PRETTY_NAME') ?? '',
    ansible_os_family: family,
  };
}

function capitalize(s: string): string {
  return s ? s[0]!.toUpperCase() + s.slice(1) : s;
}
