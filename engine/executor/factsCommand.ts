// The one remote command that gathers facts: POSIX sh, no Python on the node. Every line it prints is
// `tag<TAB>text` or a block of a command's raw output between marker lines; files are read with the shell's own `read` (no process per file), so the command
// costs a handful of processes (uname, hostname, date; grep and ip for hardware and network).
import type { FactCollector } from './factSubsets.ts';

const BEGIN = '@@fleetplay-facts-begin ';
const END = '@@fleetplay-facts-end ';

// _fp_v TAG VALUE prints one tagged line; _fp_f TAG FILE prints a readable file's lines tagged;
// _fp_b TAG COMMAND... prints a command's output raw between two marker lines (no pipe, no subshell).
const HELPERS = [
  '_fp_v() { printf \'%s\\t%s\\n\' "$1" "$2"; }',
  '_fp_f() { if [ -r "$2" ]; then while IFS= read -r _l || [ -n "$_l" ]; do _fp_v "$1" "$_l"; done < "$2"; fi; }',
  `_fp_b() { _t=$1; shift; printf '${BEGIN}%s\\n' "$_t"; "$@"; printf '\\n${END}%s\\n' "$_t"; }`,
];

const PLATFORM = ['_fp_v uname "$(uname -snrvm)"', '_fp_v fqdn "$(hostname -f 2>/dev/null)"', '_fp_f machine_id /etc/machine-id'];

const DISTRIBUTION = [
  'if [ -r /etc/os-release ]; then _fp_f os /etc/os-release; else _fp_f os /usr/lib/os-release; fi',
  '_fp_f debian_version /etc/debian_version',
  '_fp_f redhat_release /etc/redhat-release',
  '_fp_f alpine_release /etc/alpine-release',
];

const LSB = ['_fp_f lsb /etc/lsb-release', 'if command -v lsb_release >/dev/null 2>&1; then _fp_v lsb_release 1; fi'];

const SERVICE_MGR = [
  '_fp_f proc1 /proc/1/comm',
  '_sd=',
  'if command -v systemctl >/dev/null 2>&1; then for _d in /run/systemd/system/ /dev/.run/systemd/ /dev/.systemd/; do if [ -e "$_d" ]; then _sd=1; fi; done; fi',
  'if [ -n "$_sd" ]; then _fp_v sm systemd; fi',
  'if command -v initctl >/dev/null 2>&1 && [ -e /etc/init/ ]; then _fp_v sm upstart; fi',
  'if [ -e /sbin/openrc ]; then _fp_v sm openrc; fi',
  'if [ -z "$_sd" ] && [ -L /sbin/init ]; then _fp_v sbin_init "$(readlink /sbin/init)"; fi',
  'if [ -e /etc/init.d/ ]; then _fp_v sm sysvinit; fi',
  'if [ -e /etc/dinit.d/ ]; then _fp_v sm dinit; fi',
];

const PKG_MGR = [
  'for _p in /usr/bin/rpm-ostree /usr/bin/yum /usr/bin/dnf /usr/bin/dnf5 /usr/bin/apt-get /usr/bin/zypper /usr/bin/pacman /sbin/apk /usr/bin/emerge /usr/bin/xbps-install; do if [ -x "$_p" ]; then _fp_v pm "$_p"; fi; done',
  'if [ -L /usr/bin/dnf ]; then _fp_v dnf_link "$(readlink /usr/bin/dnf)"; fi',
];

// The uid and gid from the shell's own /proc/self/status (no `id` process).
const USER = [
  '_u=',
  'if [ -r /proc/self/status ]; then while IFS= read -r _l; do case $_l in Uid:*) _fp_v ids "$_l"; set -- $_l; _u=$3;; Gid:*) _fp_v ids "$_l"; break;; esac; done < /proc/self/status; fi',
  'if [ -r /etc/passwd ]; then while IFS=: read -r _n _x _pu _r; do if [ "$_pu" = "$_u" ]; then _fp_v pw "$_n:$_x:$_pu:$_r"; break; fi; done < /etc/passwd; fi',
];

const DATE = ['_fp_v date "$(LC_ALL=C date \'+%Y|%m|%A|%w|%W|%d|%H|%M|%S|%s|%N|%Z|%z\')"'];
// `export -p` is a shell builtin (no `env` process); its quoting is parsed on the controller.
const ENV = ['_fp_b env export -p'];
const DNS = ['_fp_f dns /etc/resolv.conf'];
const FIPS = ['_fp_f fips /proc/sys/crypto/fips_enabled'];
const SELINUX = [
  'if [ -r /sys/fs/selinux/enforce ]; then _fp_f se_enforce /sys/fs/selinux/enforce; _fp_f se_policyvers /sys/fs/selinux/policyvers; _fp_f se_config /etc/selinux/config; fi',
];
// The host's Python as Ansible's python collector reports the interpreter running its module: the first of
// Ansible's usual paths, asked for its version (one `python -c`, ~15 ms, only when the python subset is
// gathered; ssl is not imported for has_sslcontext, which every Python 3 has).
const PYTHON = [
  'for _py in /usr/bin/python3 /usr/libexec/platform-python /usr/bin/python; do if [ -x "$_py" ]; then _fp_v python "$_py $("$_py" -c \'import sys;v=sys.version_info;print(v[0],v[1],v[2],v[3],v[4],sys.implementation.name)\' 2>/dev/null)"; break; fi; done',
];
const APPARMOR = ['if [ -e /sys/kernel/security/apparmor ]; then _fp_v apparmor enabled; fi'];

// One grep over the three files (the shell's read would take a system call per byte of a large /proc/cpuinfo);
// /proc/self/status is grep's own, with the same allowed CPUs as the shell's.
const HARDWARE = [
  "_fp_b hw grep -E '^(MemTotal|MemFree|Buffers|Cached|SwapTotal|SwapFree):|^(processor|Processor|physical id|cpu cores|siblings|model name|vendor_id|cpu)[[:space:]]*:|^Cpus_allowed_list:' /proc/meminfo /proc/cpuinfo /proc/self/status",
];

// One `ip` process for the two routes Ansible asks for and the addresses (iproute2's batch mode;
// -force goes on past a route that does not exist).
const NETWORK = [
  "if command -v ip >/dev/null 2>&1; then _fp_b net ip -force -batch - 2>/dev/null <<'_FP_IP'",
  'route get 8.8.8.8',
  'route get 2001:4860:4860::8888',
  'addr show',
  '_FP_IP',
  'fi',
];

const VIRTUAL = [
  '_fp_f cgroup1 /proc/1/cgroup',
  '_fp_f systemd_container /run/systemd/container',
  'if [ -e /.dockerenv ] || [ -e /.dockerinit ]; then _fp_v virt dockerenv; fi',
  'if [ -e /run/.containerenv ]; then _fp_v virt containerenv; fi',
  'if [ -e /proc/vz ] && [ ! -e /proc/lve ]; then if [ -e /proc/bc ]; then _fp_v virt openvz_host; else _fp_v virt openvz_guest; fi; fi',
  'if [ -e /proc/xen ]; then _fp_v virt xen; _fp_f xen_caps /proc/xen/capabilities; fi',
  'for _k in product_name sys_vendor bios_vendor product_version; do _fp_f "dmi_$_k" "/sys/devices/virtual/dmi/id/$_k"; done',
  "if [ -r /proc/modules ]; then _fp_b modules grep -E '^(kvm|vboxdrv|virtio) ' /proc/modules; fi",
  'if [ -r /proc/cpuinfo ]; then while IFS= read -r _l; do case $_l in "model name"*|vendor_id*) _fp_v cpu_model "$_l"; break;; esac; done < /proc/cpuinfo; fi',
];

const PARTS: Array<[FactCollector, string[]]> = [
  ['platform', PLATFORM],
  ['distribution', DISTRIBUTION],
  ['lsb', LSB],
  ['service_mgr', SERVICE_MGR],
  ['pkg_mgr', PKG_MGR],
  ['user', USER],
  ['date_time', DATE],
  ['dns', DNS],
  ['fips', FIPS],
  ['selinux', SELINUX],
  ['apparmor', APPARMOR],
  ['python', PYTHON],
  ['hardware', HARDWARE],
  ['network', NETWORK],
  ['virtual', VIRTUAL],
  ['env', ENV],
];

/** The fact command for these collectors; it ends with status 0 whatever a probe found. */
export function factsCommand(collectors: ReadonlySet<FactCollector>): string {
  const lines = [...HELPERS];
  for (const [name, part] of PARTS) if (collectors.has(name)) lines.push(...part);
  lines.push(':');
  return lines.join('\n');
}

/** The tagged lines of the command's output, by tag, in order (a block's lines under its tag). */
export function tagLines(output: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const push = (tag: string, line: string): void => {
    const list = out.get(tag) ?? [];
    list.push(line);
    out.set(tag, list);
  };
  let block: string | undefined;
  for (const line of output.split('\n')) {
    if (block !== undefined) {
      if (line === `${END}${block}`) {
        const list = out.get(block);
        if (list && list[list.length - 1] === '') list.pop();
        block = undefined;
      } else push(block, line);
    } else if (line.startsWith(BEGIN)) {
      block = line.slice(BEGIN.length);
      out.set(block, out.get(block) ?? []);
    } else {
      const tab = line.indexOf('\t');
      if (tab > 0) push(line.slice(0, tab), line.slice(tab + 1));
    }
  }
  return out;
}
