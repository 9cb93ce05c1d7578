// hostname's one read: whether systemd runs the host and hostnamectl is there, the live host name
// (the kernel's, which is systemd's transient name) and /etc/hostname (systemd's static name).

/** What the host has. */
export interface HostnameFacts {
  /** systemd runs the host (/run/systemd/system exists, Ansible's test). */
  systemd: boolean;
  hostnamectl: boolean;
  /** The live host name. */
  current: string;
  /** /etc/hostname's content, trimmed ('' when there is none, as Ansible reads it). */
  permanent: string;
}

/** The read; /etc/hostname's text comes last, after a marker line. */
export const HOSTNAME_READ = [
  'if [ -d /run/systemd/system ]; then echo systemd=yes; else echo systemd=no; fi',
  'if command -v hostnamectl >/dev/null 2>&1; then echo hostnamectl=yes; else echo hostnamectl=no; fi',
  'echo "current=$(uname -n)"',
  'echo --etc-hostname--',
  'cat /etc/hostname 2>/dev/null || true',
].join('; ');

/** Parses the read's output. */
export function parseHostnameFacts(stdout: string): HostnameFacts {
  const at = stdout.indexOf('--etc-hostname--\n');
  const head = at < 0 ? stdout : stdout.slice(0, at);
  const file = at < 0 ? '' : stdout.slice(at + '--etc-hostname--\n'.length);
  const value = (key: string) => new RegExp(`^${key}=(.*)$`, 'm').exec(head)?.[1] ?? '';
  return {
    systemd: value('systemd') === 'yes',
    hostnamectl: value('hostnamectl') === 'yes',
    current: value('current').trim(),
    permanent: file.trim(),
  };
}
