// Ansible's network facts from `ip route get` (8.8.8.8 and 2001:4860:4860::8888, as Ansible asks) and `ip addr show`.
import type { Vars } from '../types.ts';
import { setOwn } from '../inventory/own-properties.ts';

interface Iface {
  device: string;
  active: boolean;
  mtu: number;
  type: string;
  macaddress?: string;
  ipv4?: Vars;
  ipv4_secondaries?: Vars[];
  ipv6?: Vars[];
  promisc?: boolean;
}

/** interfaces, default_ipv4/6, all_ipv4/6_addresses and one `<interface>` fact per interface. */
export function networkFacts(lines: readonly string[]): Vars {
  const route = { v4: {} as Vars, v6: {} as Vars };
  const ifaces: Iface[] = [];
  let current: Iface | undefined;
  const all4: string[] = [];
  const all6: string[] = [];
  for (const line of lines) {
    const head = /^\d+:\s+([^:@\s]+)(?:@\S+)?:\s+<([^>]*)>.*?\bmtu (\d+)/.exec(line);
    if (head) {
      const flags = head[2]!.split(',');
      current = {
        device: head[1]!,
        active: flags.includes('UP'),
        mtu: Number(head[3]),
        type: 'unknown',
        promisc: flags.includes('PROMISC'),
      };
      ifaces.push(current);
      continue;
    }
    if (!/^\s/.test(line)) {
      const r = /^(\S+)\s(.*)$/.exec(line);
      if (r) Object.assign(r[1]!.includes(':') ? route.v6 : route.v4, routeOf(r[2]!));
      current = undefined;
      continue;
    }
    if (!current) continue;
    const words = line.trim().split(/\s+/);
    if (words[0]?.startsWith('link/')) {
      const kind = words[0].slice(5);
      current.type = kind === 'ether' ? 'ether' : kind === 'loopback' ? 'loopback' : kind === 'none' ? 'tunnel' : kind;
      if (words[1] && /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(words[1])) current.macaddress = words[1];
    } else if (words[0] === 'inet' && words[1]) {
      const v4 = ipv4Of(words);
      if (current.ipv4) (current.ipv4_secondaries ??= []).push(v4);
      else current.ipv4 = v4;
      if (!String(v4.address).startsWith('127.')) all4.push(String(v4.address));
      if (v4.address === route.v4.address) Object.assign(route.v4, v4, ifaceExtras(current), { alias: words[words.length - 1] });
    } else if (words[0] === 'inet6' && words[1]) {
      const [address = '', prefix = '128'] = words[1].split('/');
      (current.ipv6 ??= []).push({ address, prefix, scope: words[words.indexOf('scope') + 1] ?? '' });
      if (address !== '::1') all6.push(address);
      if (address === route.v6.address)
        Object.assign(route.v6, { prefix, scope: words[words.indexOf('scope') + 1] ?? '' }, ifaceExtras(current));
    }
  }
  const out: Vars = {
    interfaces: ifaces.map((i) => i.device),
    default_ipv4: route.v4,
    default_ipv6: route.v6,
    all_ipv4_addresses: all4,
    all_ipv6_addresses: all6,
  };
  for (const i of ifaces) if (/^[\w.-]+$/.test(i.device)) setOwn(out, i.device.replace(/[-.:]/g, '_'), { ...i });
  return out;
}

function ifaceExtras(i: Iface): Vars {
  return { macaddress: i.macaddress ?? '', mtu: i.mtu, type: i.type };
}

function routeOf(rest: string): Vars {
  const w = rest.trim().split(/\s+/);
  const at = (k: string): string | undefined => (w.includes(k) ? w[w.indexOf(k) + 1] : undefined);
  const out: Vars = {};
  if (at('dev')) out.interface = at('dev');
  if (at('via')) out.gateway = at('via');
  if (at('src')) out.address = at('src');
  return out;
}

function ipv4Of(words: string[]): Vars {
  const [address = '', bits = '32'] = words[1]!.split('/');
  const prefix = Number(bits);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const num = address.split('.').reduce((a, o) => ((a << 8) | Number(o)) >>> 0, 0);
  const dotted = (n: number): string => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
  return {
    address,
    broadcast: words.includes('brd') ? words[words.indexOf('brd') + 1] : '',
    netmask: dotted(mask),
    network: dotted((num & mask) >>> 0),
    prefix: String(prefix),
  };
}
