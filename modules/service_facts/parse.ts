// systemctl's service listings as Ansible's service_facts (SystemctlScanService) reads them: list-units
// gives each loaded service's state, list-unit-files its enablement status.
import { setOwn } from '../../engine/inventory/own-properties.ts';

/** One service as Ansible's service_facts returns it. */
export interface ServiceFact {
  name: string;
  state: string;
  status: string;
  source: 'systemd';
}

// Load or active states Ansible reports as the status in place of the unit file's.
const BAD_STATES = ['not-found', 'masked', 'failed'];

/** The marker between the two listings in the read's output. */
export const UNIT_FILES_MARK = '--unit-files--';

/**
 * Parses `list-units --all --plain` then `list-unit-files` (separated by UNIT_FILES_MARK) into
 * `ansible_facts.services`. A loaded service: state `running` when its SUB is running, else `stopped`;
 * status a bad state found in its columns, else the unit file's status (enabled, static, ...), else its
 * ACTIVE column. A service with a unit file that is not loaded: state `inactive` (Ansible asks
 * `systemctl show --property=ActiveState` for each, and a unit that is not loaded is inactive; one read
 * here instead of one per unit).
 */
export function parseServices(stdout: string): Record<string, ServiceFact> {
  const at = stdout.indexOf(UNIT_FILES_MARK);
  const units = at < 0 ? stdout : stdout.slice(0, at);
  const files = at < 0 ? '' : stdout.slice(at + UNIT_FILES_MARK.length);
  const services: Record<string, ServiceFact> = {};
  const own = (name: string) => (Object.hasOwn(services, name) ? services[name] : undefined);
  for (const line of serviceLines(units)) {
    const fields = line.trim().split(/\s+/);
    const [name, , active = 'unknown', sub = ''] = fields as [string, ...string[]];
    const bad = BAD_STATES.find((b) => fields.slice(0, -1).includes(b));
    setOwn(services, name, { name, state: sub === 'running' ? 'running' : 'stopped', status: bad ?? active, source: 'systemd' });
  }
  for (const line of serviceLines(files)) {
    const [name, status] = line.trim().split(/\s+/) as [string, string | undefined];
    if (status === undefined) throw new Error(`Malformed output discovered from systemd list-unit-files: ${line}`);
    const known = own(name);
    if (!known) setOwn(services, name, { name, state: 'inactive', status, source: 'systemd' });
    else if (!BAD_STATES.includes(known.status)) known.status = status;
  }
  return services;
}

// Ansible keeps the lines that mention '.service'; the legend and the header do not. systemctl marks a
// failed unit with a leading '●' in some versions even with --plain: dropped.
function serviceLines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.replace(/^\s*[●*]\s*/, ''))
    .filter((l) => l.includes('.service') && l.trim() !== '');
}
