// Facts as Ansible names them, parsed from the fact command's output: a capture from a lab node
// (Debian 12 under systemd-nspawn, taken with factsCommand for gather_subset all), hand-written
// outputs of other distributions, and the command itself run on this machine.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { factsRead, parseFacts } from '../../engine/executor/facts.ts';
import { factsCommand, tagLines } from '../../engine/executor/factsCommand.ts';
import { collectorsFor } from '../../engine/executor/factSubsets.ts';
import type { Vars } from '../../engine/types.ts';

const DEBIAN12 = `uname	Linux facts-1 6.18.44-fc-v1300 #1 SMP PREEMPT_DYNAMIC @0 x86_64
fqdn	facts-1
machine_id	96cc5d35d10332beccc6cd6960f0d0cb
os	PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
os	NAME="Debian GNU/Linux"
os	VERSION_ID="12"
os	VERSION="12 (bookworm)"
os	VERSION_CODENAME=bookworm
os	ID=debian
os	HOME_URL="https://www.debian.org/"
os	SUPPORT_URL="https://www.debian.org/support"
os	BUG_REPORT_URL="https://bugs.debian.org/"
debian_version	12.15
proc1	systemd
sm	systemd
sm	sysvinit
pm	/usr/bin/apt-get
ids	Uid:	0	0	0	0
ids	Gid:	0	0	0	0
pw	root:x:0:0:root:/root:/bin/bash
date	2026|12|Sunday|0|48|06|11|21|00|1796556060|586550102|UTC|+0000
dns	nameserver 10.255.255.53
@@fleetplay-facts-begin hw
/proc/meminfo:MemTotal:       24683772 kB
/proc/meminfo:MemFree:        20654324 kB
/proc/meminfo:Buffers:           82300 kB
/proc/meminfo:Cached:          1833504 kB
/proc/meminfo:SwapTotal:             0 kB
/proc/meminfo:SwapFree:              0 kB
/proc/cpuinfo:processor	: 0
/proc/cpuinfo:vendor_id	: AuthenticAMD
/proc/cpuinfo:model name	: AMD EPYC
/proc/cpuinfo:physical id	: 0
/proc/cpuinfo:siblings	: 2
/proc/cpuinfo:cpu cores	: 2
/proc/cpuinfo:processor	: 1
/proc/cpuinfo:vendor_id	: AuthenticAMD
/proc/cpuinfo:model name	: AMD EPYC
/proc/cpuinfo:physical id	: 0
/proc/cpuinfo:siblings	: 2
/proc/cpuinfo:cpu cores	: 2
/proc/self/status:Cpus_allowed_list:	0-1

@@fleetplay-facts-end hw
@@fleetplay-facts-begin net
8.8.8.8 via 192.0.2.1 dev eth0 src 192.0.2.2 uid 0 
    cache 
2001:4860:4860::8888 from :: via fd00::1 dev eth0 src fd00::2 metric 1024 pref medium
1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
    inet 127.0.0.1/8 scope host lo
       valid_lft forever preferred_lft forever
    inet6 ::1/128 scope host 
       valid_lft forever preferred_lft forever
2: ifb0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN group default qlen 32
    link/ether fe:0c:88:58:9a:20 brd ff:ff:ff:ff:ff:ff
3: ifb1: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN group default qlen 32
    link/ether e6:34:83:57:93:36 brd ff:ff:ff:ff:ff:ff
4: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1400 qdisc pfifo_fast state UP group default qlen 1000
    link/ether 02:fc:00:00:00:01 brd ff:ff:ff:ff:ff:ff
    inet 192.0.2.2/24 brd 192.0.2.255 scope global eth0
       valid_lft forever preferred_lft forever
    inet6 fd00::2/64 scope global nodad 
       valid_lft forever preferred_lft forever
    inet6 fe80::fc:ff:fe00:1/64 scope link 
       valid_lft forever preferred_lft forever

@@fleetplay-facts-end net
cgroup1	9:name=systemd:/init.scope
cgroup1	8:pids:/init.scope
cgroup1	7:blkio:/
cgroup1	6:freezer:/
cgroup1	5:devices:/init.scope
cgroup1	4:memory:/init.scope
cgroup1	3:cpuset:/
cgroup1	2:cpuacct:/
cgroup1	1:cpu:/
cgroup1	0::/init.scope
systemd_container	systemd-nspawn
cpu_model	vendor_id	: AuthenticAMD
@@fleetplay-facts-begin env
export HOME='/root'
export LANG='C.UTF-8'
export LOGNAME='root'
export MOTD_SHOWN='pam'
export PATH='/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
export PWD='/root'
export SHELL='/bin/bash'
export SHLVL='0'
export SSH_CLIENT='127.0.0.1 42886 22'
export SSH_CONNECTION='127.0.0.1 42886 127.0.1.249 22'
export USER='root'
export _='/bin/sh'

@@fleetplay-facts-end env
`;

const tagged = (lines: Record<string, string[]>): string =>
  Object.entries(lines)
    .flatMap(([tag, values]) => values.map((v) => `${tag}\t${v}`))
    .join('\n');

describe('facts from a Debian 12 lab node', () => {
  const f = parseFacts(DEBIAN12);

  it('names the distribution as Ansible does (the best version from /etc/debian_version)', () => {
    expect(f).toMatchObject({
      distribution: 'Debian',
      distribution_version: '12.15',
      distribution_major_version: '12',
      distribution_minor_version: '15',
      distribution_release: 'bookworm',
      distribution_file_variety: 'Debian',
      distribution_file_path: '/etc/os-release',
      os_family: 'Debian',
      pkg_mgr: 'apt',
      service_mgr: 'systemd',
      lsb: {},
    });
  });

  it('reads the platform from uname', () => {
    expect(f).toMatchObject({
      system: 'Linux',
      kernel: '6.18.44-fc-v1300',
      kernel_version: '#1 SMP PREEMPT_DYNAMIC @0',
      machine: 'x86_64',
      architecture: 'x86_64',
      hostname: 'facts-1',
      nodename: 'facts-1',
      fqdn: 'facts-1',
      domain: '',
      machine_id: '96cc5d35d10332beccc6cd6960f0d0cb',
    });
  });

  it('reads the user, the environment and the date', () => {
    expect(f).toMatchObject({
      user_id: 'root',
      user_uid: 0,
      user_gid: 0,
      user_dir: '/root',
      user_shell: '/bin/bash',
      effective_user_id: 0,
    });
    expect((f.env as Vars).HOME).toBe('/root');
    expect((f.env as Vars).SSH_CONNECTION).toMatch(/^127\.0\.0\.1 \d+ 127\.0\.1\.249 22$/);
    const dt = f.date_time as Vars;
    expect(dt).toMatchObject({ year: '2026', month: '12', day: '06', weekday: 'Sunday', tz: 'UTC', tz_offset: '+0000' });
    expect(dt.iso8601).toBe(`${new Date(Number(dt.epoch) * 1000).toISOString().slice(0, 19)}Z`);
    expect(dt.date).toBe(`${dt.year}-${dt.month}-${dt.day}`);
    expect(String(dt.iso8601_micro)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });

  it('reads memory and processors as Ansible counts them', () => {
    expect(f).toMatchObject({
      memtotal_mb: 24105,
      memfree_mb: Math.floor(20654324 / 1024),
      swaptotal_mb: 0,
      processor_count: 1,
      processor_cores: 2,
      processor_threads_per_core: 1,
      processor_vcpus: 2,
      processor_nproc: 2,
      processor: ['0', 'AuthenticAMD', 'AMD EPYC', '1', 'AuthenticAMD', 'AMD EPYC'],
    });
  });

  it('reads the default route and the addresses', () => {
    expect(f.default_ipv4).toEqual({
      address: '192.0.2.2',
      alias: 'eth0',
      broadcast: '192.0.2.255',
      gateway: '192.0.2.1',
      interface: 'eth0',
      macaddress: '02:fc:00:00:00:01',
      mtu: 1400,
      netmask: '255.255.255.0',
      network: '192.0.2.0',
      prefix: '24',
      type: 'ether',
    });
    expect(f.default_ipv6).toMatchObject({ address: 'fd00::2', gateway: 'fd00::1', interface: 'eth0', prefix: '64', scope: 'global' });
    expect(f.all_ipv4_addresses).toEqual(['192.0.2.2']);
    expect(f.all_ipv6_addresses).toEqual(['fd00::2', 'fe80::fc:ff:fe00:1']);
    expect(f.interfaces).toEqual(['lo', 'ifb0', 'ifb1', 'eth0']);
    expect(f.eth0).toMatchObject({ device: 'eth0', active: true, ipv4: { address: '192.0.2.2', prefix: '24' } });
    expect(f.ifb0).toMatchObject({ active: false, macaddress: 'fe:0c:88:58:9a:20' });
  });

  it('tells a systemd-nspawn container', () => {
    expect(f).toMatchObject({ virtualization_type: 'systemd-nspawn', virtualization_role: 'guest' });
    expect(f.virtualization_tech_guest).toEqual(['systemd-nspawn', 'container']);
  });
});

describe('facts of other systems', () => {
  it('Ubuntu: lsb from /etc/lsb-release, the codename from os-release', () => {
    const f = parseFacts(
      tagged({
        os: [
          'NAME="Ubuntu"',
          'VERSION_ID="22.04"',
          'ID=ubuntu',
          'ID_LIKE=debian',
          'VERSION_CODENAME=jammy',
          'PRETTY_NAME="Ubuntu 22.04.4 LTS"',
        ],
        debian_version: ['bookworm/sid'],
        lsb: ['DISTRIB_ID=Ubuntu', 'DISTRIB_RELEASE=22.04', 'DISTRIB_CODENAME=jammy', 'DISTRIB_DESCRIPTION="Ubuntu 22.04.4 LTS"'],
        pm: ['/usr/bin/apt-get'],
      }),
    );
    expect(f).toMatchObject({
      distribution: 'Ubuntu',
      distribution_version: '22.04',
      distribution_major_version: '22',
      distribution_release: 'jammy',
    });
    expect(f).toMatchObject({ os_family: 'Debian', pkg_mgr: 'apt' });
    expect(f.lsb).toEqual({ id: 'Ubuntu', release: '22.04', codename: 'jammy', description: 'Ubuntu 22.04.4 LTS', major_release: '22' });
  });

  it('Debian with lsb_release installed and no /etc/lsb-release: what lsb_release would say', () => {
    const f = parseFacts(
      tagged({
        os: [
          'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"',
          'NAME="Debian GNU/Linux"',
          'VERSION_ID="12"',
          'VERSION_CODENAME=bookworm',
          'ID=debian',
        ],
        lsb_release: ['1'],
      }),
    );
    expect(f.lsb).toEqual({
      id: 'Debian',
      description: 'Debian GNU/Linux 12 (bookworm)',
      release: '12',
      codename: 'bookworm',
      major_release: '12',
    });
    expect(f.distribution_version).toBe('12');
  });

  it('Rocky and RHEL: RedHat family, dnf, the release from /etc/redhat-release', () => {
    const rocky = parseFacts(
      tagged({
        os: ['NAME="Rocky Linux"', 'VERSION_ID="9.3"', 'ID="rocky"', 'ID_LIKE="rhel centos fedora"'],
        redhat_release: ['Rocky Linux release 9.3 (Blue Onyx)'],
        pm: ['/usr/bin/yum', '/usr/bin/dnf'],
      }),
    );
    expect(rocky).toMatchObject({
      distribution: 'Rocky',
      distribution_version: '9.3',
      distribution_major_version: '9',
      os_family: 'RedHat',
    });
    expect(rocky).toMatchObject({ distribution_release: 'Blue Onyx', distribution_file_variety: 'RedHat', pkg_mgr: 'dnf' });
    const rhel = parseFacts(
      tagged({
        os: ['ID="rhel"', 'VERSION_ID="7.9"'],
        redhat_release: ['Red Hat Enterprise Linux Server release 7.9 (Maipo)'],
        pm: ['/usr/bin/yum'],
      }),
    );
    expect(rhel).toMatchObject({ distribution: 'RedHat', os_family: 'RedHat', pkg_mgr: 'yum', distribution_release: 'Maipo' });
  });

  it('Alpine in docker: apk, the pid 1 command as service manager, docker as the virtualization', () => {
    const f = parseFacts(
      tagged({
        os: ['NAME="Alpine Linux"', 'ID=alpine', 'VERSION_ID=3.19.1'],
        alpine_release: ['3.19.1'],
        pm: ['/sbin/apk'],
        proc1: ['sleep'],
        cgroup1: ['0::/system.slice/docker-0123abcd.scope'],
        virt: ['dockerenv'],
      }),
    );
    expect(f).toMatchObject({
      distribution: 'Alpine',
      os_family: 'Alpine',
      distribution_version: '3.19.1',
      pkg_mgr: 'apk',
      service_mgr: 'sleep',
    });
    expect(f).toMatchObject({ virtualization_type: 'docker', virtualization_role: 'guest' });
  });

  it('service_mgr when pid 1 is init or a shell: the canaries in Ansible order, else service', () => {
    const mgr = (lines: Record<string, string[]>) => parseFacts(tagged({ proc1: ['init'], ...lines })).service_mgr;
    expect(mgr({ sm: ['sysvinit'] })).toBe('sysvinit');
    expect(mgr({ sm: ['openrc', 'sysvinit'] })).toBe('openrc');
    expect(mgr({ sbin_init: ['/lib/systemd/systemd'], sm: ['sysvinit'] })).toBe('systemd');
    expect(parseFacts(tagged({ proc1: ['bash'] })).service_mgr).toBe('service');
  });

  it('a KVM guest and a KVM host', () => {
    expect(parseFacts(tagged({ dmi_product_name: ['KVM'] }))).toMatchObject({ virtualization_type: 'kvm', virtualization_role: 'guest' });
    expect(parseFacts(tagged({ dmi_sys_vendor: ['QEMU'] }))).toMatchObject({ virtualization_type: 'kvm', virtualization_role: 'guest' });
    const host = parseFacts(`@@fleetplay-facts-begin modules\nkvm 1384448 1 kvm_amd, Live 0x0\n@@fleetplay-facts-end modules`);
    expect(host).toMatchObject({ virtualization_type: 'kvm', virtualization_role: 'host', virtualization_tech_host: ['kvm'] });
    expect(parseFacts('')).toMatchObject({ virtualization_type: 'NA', virtualization_role: 'NA' });
  });

  it('no default route: default_ipv4 is empty, as in Ansible', () => {
    const f = parseFacts(
      `@@fleetplay-facts-begin net\n1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue\n    inet 127.0.0.1/8 scope host lo\n@@fleetplay-facts-end net`,
    );
    expect(f.default_ipv4).toEqual({});
    expect(f.all_ipv4_addresses).toEqual([]);
  });

  it('env in the quoting of dash and of bash, values over several lines', () => {
    const dash = parseFacts(`@@fleetplay-facts-begin env\nexport A='it'"'"'s'\nexport B='two\nlines'\nexport C\n@@fleetplay-facts-end env`);
    expect(dash.env).toEqual({ A: "it's", B: 'two\nlines', C: '' });
    const bash = parseFacts(`@@fleetplay-facts-begin env\ndeclare -x D="a \\"q\\" \\$x"\nexport E="x"\n@@fleetplay-facts-end env`);
    expect(bash.env).toEqual({ D: 'a "q" $x', E: 'x' });
  });

  it('a block that holds the end marker of another tag, and tagged lines outside blocks', () => {
    const tags = tagLines(`a\tone\n@@fleetplay-facts-begin b\n@@fleetplay-facts-end c\nx\n@@fleetplay-facts-end b\na\ttwo`);
    expect(tags.get('a')).toEqual(['one', 'two']);
    expect(tags.get('b')).toEqual(['@@fleetplay-facts-end c', 'x']);
  });
});

describe('gather_subset', () => {
  const has = (subsets: string[], name: string) => collectorsFor(subsets).has(name as never);

  it('all, min, !all and !min as Ansible resolves them', () => {
    expect(['hardware', 'network', 'virtual', 'distribution'].every((n) => has(['all'], n))).toBe(true);
    expect(has(['!all'], 'hardware') || has(['!all'], 'network') || has(['!all'], 'virtual')).toBe(false);
    expect(has(['!all'], 'distribution')).toBe(true);
    expect([...collectorsFor(['!all', '!min', 'network'])]).toEqual(['network']);
    expect([...collectorsFor(['!all', '!min'])]).toEqual([]);
  });

  it('a subset added to min; an exclusion alone leaves min (Ansible: min is always the start)', () => {
    const net = collectorsFor(['network']);
    expect(net.has('network') && net.has('platform') && !net.has('hardware')).toBe(true);
    const noHw = collectorsFor(['!hardware']);
    expect(noHw.has('hardware') || noHw.has('network')).toBe(false);
    expect(collectorsFor(['all', '!hardware']).has('network')).toBe(true);
    expect(collectorsFor(['all', '!hardware']).has('hardware')).toBe(false);
  });

  it("refuses an unknown subset to add with Ansible's message, ignores one to leave out", () => {
    expect(() => collectorsFor(['hardwar'])).toThrow(
      /^Bad subset 'hardwar' given to Ansible\. gather_subset options allowed: all, apparmor, /,
    );
    expect(collectorsFor(['all', '!nonsense']).has('hardware')).toBe(true);
  });

  it('the command holds only the selected parts, and a comma string is a list', () => {
    const min = factsRead({ subset: '!all' });
    expect(min.command).not.toContain('/proc/cpuinfo');
    expect(min.command).not.toContain('route get');
    expect(factsRead({ subset: 'min,network' }).command).toContain('route get 8.8.8.8');
    expect(factsRead({ subset: ['!all', '!min', 'hardware'] }).command).not.toContain('os-release');
    expect(factsRead({ timeout: 3 }).timeoutMs).toBe(3000);
    const parsed = min.parse(DEBIAN12);
    expect(parsed.ansible_distribution).toBe('Debian');
    expect(parsed.ansible_memtotal_mb).toBeUndefined();
    expect(parsed.ansible_gather_subset).toEqual(['!all']);
    expect(parsed.ansible_module_setup).toBe(true);
  });
});

describe('the fact command on this machine', () => {
  const shells = ['/bin/sh', '/bin/dash', '/bin/bash', '/bin/busybox'].filter((s) => existsSync(s));

  it.each(shells)('%s runs it with status 0, and the platform matches this machine', (shell) => {
    const argv = shell.endsWith('busybox')
      ? ['sh', '-c', factsCommand(collectorsFor(['all']))]
      : ['-c', factsCommand(collectorsFor(['all']))];
    const out = execFileSync(shell, argv, { encoding: 'utf8' });
    const f = parseFacts(out);
    expect(f.machine).toBe(execFileSync('uname', ['-m'], { encoding: 'utf8' }).trim());
    expect(f.nodename).toBe(os.hostname());
    expect(f.kernel).toBe(os.release());
    expect(f.user_uid).toBe(os.userInfo().uid);
    expect(f.user_dir).toBe(os.userInfo().homedir);
    expect((f.env as Vars).PATH).toBe(process.env.PATH);
    expect(f.memtotal_mb).toBe(Math.floor(os.totalmem() / 1024 / 1024));
    expect(Number((f.date_time as Vars).epoch)).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) - 60);
  });
});
