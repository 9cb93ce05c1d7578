// Host network checks: who listens on port 22, and waiting for a node's sshd banner.
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';

/** One listening TCP socket on port 22 of the host's network namespace. */
export interface SshListener {
  address: string;
  family: 4 | 6;
}

/** Every socket listening on TCP port 22 in this network namespace, from /proc/net/tcp{,6}. */
export function sshListeners(): SshListener[] {
  return [...listeners('/proc/net/tcp', 4), ...listeners('/proc/net/tcp6', 6)];
}

/** True when a listener on port 22 would stop a node from binding 127.0.1.x:22 (wildcard v4, or dual-stack v6). */
export function isWildcard(l: SshListener): boolean {
  return l.address === '0.0.0.0' || l.address === '::';
}

/** Connects to address:22 once and resolves true if the server greets with an SSH-2.0 banner within timeoutMs. */
export function readSshBanner(address: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port: 22 });
    let data = '';
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on('data', (b: Buffer) => {
      data += b.toString('latin1');
      if (data.includes('SSH-2.0')) done(true);
      else if (data.includes('\n')) done(false);
    });
    socket.on('error', () => done(false));
    socket.on('close', () => done(false));
  });
}

function listeners(file: string, family: 4 | 6): SshListener[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const found: SshListener[] = [];
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    const [hexAddr, hexPort] = (cols[1] ?? '').split(':');
    // State 0A is TCP_LISTEN; port 22 is 0016.
    if (cols[3] !== '0A' || hexPort !== '0016' || hexAddr === undefined) continue;
    found.push({ address: family === 4 ? ipv4(hexAddr) : ipv6(hexAddr), family });
  }
  return found;
}

// /proc/net/tcp prints the address as a host-order (little-endian) 32-bit word.
function ipv4(hex: string): string {
  const bytes = [6, 4, 2, 0].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return bytes.join('.');
}

// IPv6 is four little-endian 32-bit words; only "::" and v4-mapped forms matter here.
function ipv6(hex: string): string {
  if (/^0+$/.test(hex)) return '::';
  const words = [0, 8, 16, 24].map((o) => hex.slice(o, o + 8));
  const bytes = words.flatMap((w) => [6, 4, 2, 0].map((i) => w.slice(i, i + 2)));
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(`${bytes[i]}${bytes[i + 1]}`.replace(/^0+(?=.)/, ''));
  return groups.join(':');
}
