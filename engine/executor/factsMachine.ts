// Ansible's hardware facts (memory, processors) and virtual facts (virtualization type and role).
import type { Vars } from '../types.ts';

type Tags = Map<string, string[]>;

/** memtotal_mb, memfree_mb, swap, memory_mb, and the processor counts as Ansible's Linux collector computes them. */
export function hardwareFacts(tags: Tags, architecture: string): Vars {
  const file = (name: string): string[] =>
    (tags.get('hw') ?? []).filter((l) => l.startsWith(`/proc/${name}:`)).map((l) => l.slice(name.length + 7));
  const kb = new Map<string, number>();
  for (const line of file('meminfo')) {
    const m = /^(\w+):\s+(\d+)/.exec(line);
    if (m) kb.set(m[1]!, Number(m[2]));
  }
  const mb = (k: string): number => Math.floor((kb.get(k) ?? 0) / 1024);
  const out: Vars = {
    memtotal_mb: mb('MemTotal'),
    memfree_mb: mb('MemFree'),
    swaptotal_mb: mb('SwapTotal'),
    swapfree_mb: mb('SwapFree'),
  };
  const nocacheFree = mb('MemFree') + mb('Buffers') + mb('Cached');
  out.memory_mb = {
    real: { total: mb('MemTotal'), used: mb('MemTotal') - mb('MemFree'), free: mb('MemFree') },
    nocache: { free: nocacheFree, used: mb('MemTotal') - nocacheFree },
    swap: { total: mb('SwapTotal'), free: mb('SwapFree'), used: mb('SwapTotal') - mb('SwapFree'), cached: 0 },
  };
  Object.assign(out, cpuFacts(file('cpuinfo'), architecture));
  const allowed = /:\s*(\S+)/.exec(file('self/status')[0] ?? '')?.[1];
  if (allowed) out.processor_nproc = countList(allowed);
  return out;
}

function cpuFacts(lines: readonly string[], architecture: string): Vars {
  const processor: string[] = [];
  const sockets = new Map<string, number>();
  const cores = new Map<string, number>();
  let physid = '';
  let vendors = 0;
  let occurrences = 0;
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (['model name', 'Processor', 'vendor_id', 'cpu', 'processor'].includes(key)) {
      processor.push(value);
      if (key === 'vendor_id') vendors++;
      if (key === 'processor') occurrences++;
    } else if (key === 'physical id') {
      physid = value;
      if (!sockets.has(physid)) sockets.set(physid, 1);
    } else if (key === 'cpu cores') sockets.set(physid, Number(value) || 1);
    else if (key === 'siblings') cores.set(physid, Number(value) || 1);
  }
  // Ansible counts vendor_id lines, and processor lines on ARM and POWER (no vendor_id there).
  const count = /^(armv|aarch|ppc)/.test(architecture) ? occurrences : vendors || occurrences;
  const processorCount = sockets.size > 0 ? sockets.size : count;
  const processorCores = [...sockets.values()][0] || 1;
  const siblings = [...cores.values()][0];
  const threads = siblings ? Math.floor(siblings / processorCores) || 1 : 1;
  return {
    processor,
    processor_count: processorCount,
    processor_cores: processorCores,
    processor_threads_per_core: threads,
    processor_vcpus: threads * processorCount * processorCores,
  };
}

// "0-3,8" → 5
function countList(list: string): number {
  let n = 0;
  for (const part of list.split(',')) {
    const [a, b] = part.split('-').map(Number);
    n += b === undefined ? 1 : b - a! + 1;
  }
  return n;
}

/** virtualization_type and _role, with the guest and host technologies, in Ansible's order of checks. */
export function virtualFacts(tags: Tags): Vars {
  const guest = new Set<string>();
  const host = new Set<string>();
  let found: [string, string] | undefined;
  const hit = (type: string, role: 'guest' | 'host'): void => {
    (role === 'guest' ? guest : host).add(type);
    found ??= [type, role];
  };
  for (const line of tags.get('cgroup1') ?? []) {
    if (/\/docker(\/|-[0-9a-f]+\.scope)/.test(line)) hit('docker', 'guest');
    if (/\/lxc\/|\/machine\.slice\/machine-lxc/.test(line)) hit('lxc', 'guest');
    if (/\/system\.slice\/containerd\.service/.test(line)) hit('containerd', 'guest');
  }
  const virt = tags.get('virt') ?? [];
  if (virt.includes('openvz_host')) hit('openvz', 'host');
  if (virt.includes('openvz_guest')) hit('openvz', 'guest');
  const systemdContainer = tags.get('systemd_container')?.[0]?.trim();
  if (systemdContainer) hit(systemdContainer, 'guest');
  if (virt.includes('dockerenv')) hit('docker', 'guest');
  if (virt.includes('containerenv')) hit('podman', 'guest');
  if (systemdContainer || [...guest].some((t) => ['docker', 'lxc', 'podman', 'openvz', 'containerd'].includes(t))) guest.add('container');
  if (virt.includes('xen')) hit('xen', (tags.get('xen_caps') ?? []).some((l) => l.includes('control_d')) ? 'host' : 'guest');
  const dmi = (k: string): string => tags.get(`dmi_${k}`)?.[0]?.trim() ?? '';
  const product = dmi('product_name');
  const vendor = dmi('sys_vendor');
  const bios = dmi('bios_vendor');
  if (['KVM', 'KVM Server', 'Bochs', 'AHV'].includes(product)) hit('kvm', 'guest');
  if (product === 'RHEV Hypervisor') hit('RHEV', 'guest');
  if (product.startsWith('VMware')) hit('VMware', 'guest');
  if (['OpenStack Compute', 'OpenStack Nova'].includes(product)) hit('openstack', 'guest');
  const byVendor: Record<string, string> = {
    'Microsoft Corporation': 'VirtualPC',
    'Parallels Software International Inc.': 'parallels',
    QEMU: 'kvm',
    oVirt: 'oVirt',
    'OpenStack Foundation': 'openstack',
    'Amazon EC2': 'kvm',
  };
  if (byVendor[vendor]) hit(byVendor[vendor]!, 'guest');
  const byBios: Record<string, string> = { Xen: 'xen', 'innotek GmbH': 'virtualbox', 'Amazon EC2': 'kvm' };
  if (byBios[bios]) hit(byBios[bios]!, 'guest');
  if (/^model name.*QEMU Virtual CPU/.test(tags.get('cpu_model')?.[0] ?? '')) hit('kvm', 'guest');
  const modules = (tags.get('modules') ?? []).map((l) => l.split(' ')[0]);
  if (modules.includes('kvm')) hit('kvm', 'host');
  if (modules.includes('vboxdrv')) hit('virtualbox', 'host');
  if (modules.includes('virtio')) hit('kvm', 'guest');
  return {
    virtualization_type: found?.[0] ?? 'NA',
    virtualization_role: found?.[1] ?? 'NA',
    virtualization_tech_guest: [...guest],
    virtualization_tech_host: [...host],
  };
}
