// Ansible's minimal facts from the fact command's tagged output: platform, distribution, lsb,
// service and package managers, user, date and time, environment, dns, selinux, apparmor, fips.
import type { Vars } from '../types.ts';
import type { FactCollector } from './factSubsets.ts';

type Tags = Map<string, string[]>;

const OS_FAMILY: Record<string, string[]> = {
  RedHat: ['RedHat', 'Fedora', 'CentOS', 'Scientific', 'OracleLinux', 'Amazon', 'AlmaLinux', 'Rocky', 'CloudLinux', 'EuroLinux'],
  Debian: ['Debian', 'Ubuntu', 'Raspbian', 'Neon', 'KDE neon', 'Linux Mint', 'Devuan', 'Kali', 'Pop!_OS', 'Parrot', 'Deepin'],
  Suse: ['SuSE', 'SLES', 'SLED', 'openSUSE', 'openSUSE Tumbleweed', 'openSUSE Leap', 'SLES_SAP', 'SUSE_LINUX'],
  Archlinux: ['Archlinux', 'Antergos', 'Manjaro'],
  Alpine: ['Alpine'],
  Gentoo: ['Gentoo', 'Funtoo'],
};
// distro.id() values whose Ansible distribution name is not the id capitalized.
const NAMES: Record<string, string> = {
  rhel: 'RedHat',
  amzn: 'Amazon',
  centos: 'CentOS',
  almalinux: 'AlmaLinux',
  rocky: 'Rocky',
  ol: 'OracleLinux',
  arch: 'Archlinux',
  archlinux: 'Archlinux',
  sles: 'SLES',
  'opensuse-leap': 'openSUSE Leap',
  'opensuse-tumbleweed': 'openSUSE Tumbleweed',
  linuxmint: 'Linux Mint',
};

/** Key=value lines (os-release, lsb-release) without their quotes. */
export function keyValues(lines: readonly string[] = []): Map<string, string> {
  const kv = new Map<string, string>();
  for (const line of lines) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) kv.set(m[1]!, m[2]!.trim().replace(/^"(.*)"$|^'(.*)'$/, '$1$2'));
  }
  return kv;
}

/** platform: system, kernel, kernel_version, machine, architecture, nodename, hostname, fqdn, domain, machine_id. */
export function platformFacts(tags: Tags): Vars {
  const words = (tags.get('uname')?.[0] ?? '').trim().split(/\s+/);
  const [system = 'Linux', nodename = '', kernel = ''] = words;
  const machine = words.length > 3 ? words[words.length - 1]! : '';
  const fqdn = tags.get('fqdn')?.[0]?.trim() || nodename;
  const out: Vars = {
    system,
    kernel,
    kernel_version: words.slice(3, -1).join(' '),
    machine,
    architecture: /^i[3-6]86$/.test(machine) ? 'i386' : machine,
    nodename,
    hostname: nodename.split('.')[0],
    fqdn,
    domain: fqdn.includes('.') ? fqdn.slice(fqdn.indexOf('.') + 1) : '',
  };
  if (machine === 'x86_64') out.userspace_bits = '64';
  const id = tags.get('machine_id')?.[0]?.trim();
  if (id) out.machine_id = id;
  return out;
}

/** distribution*, os_family: as Ansible derives them from os-release and the distribution's own release file. */
export function distributionFacts(tags: Tags): Vars {
  const os = keyValues(tags.get('os'));
  const id = os.get('ID') ?? '';
  let name = NAMES[id] ?? (id ? id[0]!.toUpperCase() + id.slice(1) : 'OtherLinux');
  let version = os.get('VERSION_ID') ?? '';
  const out: Vars = {};
  const debian = tags.get('debian_version')?.[0]?.trim() ?? '';
  const redhat = tags.get('redhat_release')?.[0]?.trim() ?? '';
  // Debian: the best version is /etc/debian_version's (12.5), which os-release leaves out (Ansible: distro.version(best=True)).
  if (id === 'debian' && /^\d+(\.\d+)*$/.test(debian)) version = debian;
  const m = /(\d+)\.(\d+)/.exec(id === 'debian' ? debian : version);
  if (m) out.distribution_minor_version = m[2];
  let release = os.get('VERSION_CODENAME') ?? os.get('UBUNTU_CODENAME') ?? '';
  if (id === 'debian') release = /\(([^)]+)\)/.exec(os.get('PRETTY_NAME') ?? '')?.[1] ?? release;
  if (redhat) {
    out.distribution_file_path = '/etc/redhat-release';
    out.distribution_file_variety = 'RedHat';
    if (id === 'rhel') name = 'RedHat';
    if (id === 'centos') version = /(\d+(\.\d+)?)/.exec(redhat)?.[1] ?? version;
    release = /\(([^)]+)\)/.exec(redhat)?.[1] ?? release;
  } else if (tags.has('alpine_release')) {
    [out.distribution_file_path, out.distribution_file_variety] = ['/etc/alpine-release', 'Alpine'];
    version = tags.get('alpine_release')?.[0]?.trim() || version;
  } else if (familyOf(name) === 'Debian' || familyOf(name) === 'Suse') {
    [out.distribution_file_path, out.distribution_file_variety] = ['/etc/os-release', familyOf(name) === 'Suse' ? 'SUSE' : 'Debian'];
  }
  if (out.distribution_file_path) out.distribution_file_parsed = true;
  return {
    distribution: name,
    distribution_version: version || 'NA',
    distribution_major_version: version ? version.split('.')[0] : 'NA',
    distribution_release: release || 'NA',
    ...out,
    os_family: familyOf(name),
  };
}

function familyOf(name: string): string {
  for (const [family, names] of Object.entries(OS_FAMILY)) if (names.includes(name)) return family;
  return name;
}

/** lsb: /etc/lsb-release, or (lsb_release installed, no file) what lsb_release would print, from os-release. */
export function lsbFacts(tags: Tags): Vars {
  const lsb = keyValues(tags.get('lsb'));
  const out: Vars = {};
  if (lsb.size > 0) {
    if (lsb.has('DISTRIB_ID')) out.id = lsb.get('DISTRIB_ID');
    if (lsb.has('DISTRIB_RELEASE')) out.release = lsb.get('DISTRIB_RELEASE');
    if (lsb.has('DISTRIB_DESCRIPTION')) out.description = lsb.get('DISTRIB_DESCRIPTION');
    if (lsb.has('DISTRIB_CODENAME')) out.codename = lsb.get('DISTRIB_CODENAME');
  } else if (tags.has('lsb_release')) {
    const os = keyValues(tags.get('os'));
    out.id = (os.get('NAME') ?? '').split(' ')[0];
    out.description = os.get('PRETTY_NAME');
    out.release = os.get('VERSION_ID');
    out.codename = os.get('VERSION_CODENAME');
  }
  if (typeof out.release === 'string') out.major_release = out.release.split('.')[0];
  return out;
}

/** service_mgr: Ansible's order (pid 1's name unless init or a shell; then the systemd canaries, upstart, openrc, ...). */
export function serviceMgrFact(tags: Tags): string {
  const proc1 = (tags.get('proc1')?.[0] ?? '').trim().split('/').pop() ?? '';
  if (proc1 && proc1 !== 'init' && !proc1.endsWith('sh')) return { 'runit-init': 'runit', 'openrc-init': 'openrc' }[proc1] ?? proc1;
  const found = tags.get('sm') ?? [];
  for (const m of ['systemd', 'upstart', 'openrc']) if (found.includes(m)) return m;
  if ((tags.get('sbin_init')?.[0] ?? '').split('/').pop() === 'systemd') return 'systemd';
  for (const m of ['sysvinit', 'dinit']) if (found.includes(m)) return m;
  return 'service';
}

/** pkg_mgr: the package manager's binary found last in Ansible's list, with its RedHat rule (dnf5, dnf, then yum). */
export function pkgMgrFact(tags: Tags, osFamily: string): string {
  const found = tags.get('pm') ?? [];
  const name: Record<string, string> = {
    '/usr/bin/rpm-ostree': 'atomic_container',
    '/usr/bin/yum': 'yum',
    '/usr/bin/dnf': 'dnf',
    '/usr/bin/dnf5': 'dnf5',
    '/usr/bin/apt-get': 'apt',
    '/usr/bin/zypper': 'zypper',
    '/usr/bin/pacman': 'pacman',
    '/sbin/apk': 'apk',
    '/usr/bin/emerge': 'portage',
    '/usr/bin/xbps-install': 'xbps',
  };
  if (osFamily === 'RedHat') {
    if (found.includes('/usr/bin/rpm-ostree')) return 'atomic_container';
    if (found.includes('/usr/bin/dnf')) return (tags.get('dnf_link')?.[0] ?? '').endsWith('dnf5') ? 'dnf5' : 'dnf';
    if (found.includes('/usr/bin/dnf5')) return 'dnf5';
    return found.includes('/usr/bin/yum') ? 'yum' : 'unknown';
  }
  let pm = 'unknown';
  for (const p of found) if (name[p] && !['yum', 'dnf', 'dnf5', 'atomic_container'].includes(name[p]!)) pm = name[p]!;
  return pm;
}

/** user_*: the effective user's passwd entry and ids. */
export function userFacts(tags: Tags, env: Vars): Vars {
  const ids = new Map((tags.get('ids') ?? []).map((l) => [l.split(/\s+/)[0], l.trim().split(/\s+/).slice(1).map(Number)] as const));
  const [ruid = -1, euid = -1] = ids.get('Uid:') ?? [];
  const [rgid = -1, egid = -1] = ids.get('Gid:') ?? [];
  const pw = (tags.get('pw')?.[0] ?? '').split(':');
  const out: Vars = {
    user_id: pw[0] || String(env.LOGNAME ?? env.USER ?? ''),
    user_uid: pw[2] ? Number(pw[2]) : euid,
    user_gid: pw[3] ? Number(pw[3]) : egid,
    user_gecos: pw[4] ?? '',
    user_dir: pw[5] || String(env.HOME ?? ''),
    user_shell: pw[6] || String(env.SHELL ?? ''),
    real_user_id: ruid,
    effective_user_id: euid,
    real_group_id: rgid,
    effective_group_id: egid,
  };
  return out;
}

/** date_time: Ansible's keys, local time from the node's `date`, the UTC ones from its epoch. */
export function dateTimeFacts(tags: Tags): Vars {
  const [year, month, weekday, weekdayNumber, weeknumber, day, hour, minute, second, epoch, nanos, tz, tzOffset] = (
    tags.get('date')?.[0] ?? ''
  ).split('|');
  if (!epoch || !/^\d+$/.test(epoch)) return {};
  const micro = /^\d{9}$/.test(nanos ?? '') ? nanos!.slice(0, 6) : '000000';
  const utc = new Date(Number(epoch) * 1000).toISOString().slice(0, 19);
  return {
    year,
    month,
    weekday,
    weekday_number: weekdayNumber,
    weeknumber,
    day,
    hour,
    minute,
    second,
    epoch,
    epoch_int: epoch,
    date: `${year}-${month}-${day}`,
    time: `${hour}:${minute}:${second}`,
    iso8601: `${utc}Z`,
    iso8601_micro: `${utc}.${micro}Z`,
    iso8601_basic: `${year}${month}${day}T${hour}${minute}${second}${micro}`,
    iso8601_basic_short: `${year}${month}${day}T${hour}${minute}${second}`,
    tz,
    tz_offset: tzOffset,
  };
}

/** dns: nameservers, search, domain, options from resolv.conf. */
export function dnsFacts(tags: Tags): Vars {
  const out: Vars = {};
  for (const line of tags.get('dns') ?? []) {
    const [key, ...rest] = line
      .replace(/[#;].*$/, '')
      .trim()
      .split(/\s+/);
    if (key === 'nameserver' && rest[0]) ((out.nameservers ??= []) as string[]).push(rest[0]);
    else if (key === 'domain' && rest[0]) out.domain = rest[0];
    else if (key === 'search') out.search = rest;
    else if (key === 'sortlist') out.sortlist = rest;
    else if (key === 'options')
      for (const o of rest) {
        const [k, v] = o.split(':');
        ((out.options ??= {}) as Vars)[k!] = v ?? true;
      }
  }
  return out;
}

/** selinux, apparmor and fips, from the kernel's own files. */
export function securityFacts(tags: Tags, collectors: ReadonlySet<FactCollector>): Vars {
  const out: Vars = {};
  if (collectors.has('selinux')) {
    const enforce = tags.get('se_enforce')?.[0]?.trim();
    if (enforce === undefined) out.selinux = { status: 'disabled' };
    else {
      const config = keyValues(tags.get('se_config'));
      out.selinux = {
        status: 'enabled',
        mode: enforce === '1' ? 'enforcing' : 'permissive',
        config_mode: config.get('SELINUX') ?? 'unknown',
        type: config.get('SELINUXTYPE') ?? 'unknown',
        policyvers: Number(tags.get('se_policyvers')?.[0] ?? 0),
      };
    }
    out.selinux_python_present = false;
  }
  if (collectors.has('apparmor')) out.apparmor = { status: tags.has('apparmor') ? 'enabled' : 'disabled' };
  if (collectors.has('fips')) out.fips = tags.get('fips')?.[0]?.trim() === '1';
  return out;
}

/** ansible_python, as Ansible's python collector reports it; absent when the host has no Python. */
export function pythonFacts(tags: Tags): Vars {
  const m = /^(\S+) (\d+) (\d+) (\d+) (\w+) (\d+) (\w+)$/.exec(tags.get('python')?.[0]?.trim() ?? '');
  if (!m) return {};
  const [, executable, major, minor, micro, releaselevel, serial, impl] = m;
  const version = { major: Number(major), minor: Number(minor), micro: Number(micro), releaselevel: releaselevel!, serial: Number(serial) };
  const types: Record<string, string> = { cpython: 'CPython', pypy: 'PyPy', ironpython: 'IronPython', jython: 'Jython' };
  return {
    python: {
      executable: executable!,
      has_sslcontext: Number(major) >= 3,
      type: types[impl!] ?? impl!,
      version,
      version_info: [version.major, version.minor, version.micro, version.releaselevel, version.serial],
    },
    python_version: `${major}.${minor}.${micro}`,
  };
}
