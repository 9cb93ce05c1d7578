// Remembers, on the controller, that `apt-get -s autoremove` found nothing to remove for a given dpkg
// state of a host, so a converged host skips that (slow, about 1-2 s) simulation until dpkg changes.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cacheRoot, writeCacheFile } from '../lib/controllerCache.ts';

let entries: Record<string, string> | undefined;
const file = (): string => path.join(cacheRoot(), 'apt-autoremove.json');

/** Shell words that fingerprint dpkg's state: size, mtime (ns) and inode of the status and auto-marks files. */
export const DPKG_FINGERPRINT = `$(stat -c '%s:%.9Y:%i' /var/lib/dpkg/status /var/lib/apt/extended_states 2>/dev/null | tr '\\n' ' ')`;

function load(): Record<string, string> {
  if (!entries) {
    try {
      entries = JSON.parse(readFileSync(file(), 'utf8')) as Record<string, string>;
    } catch {
      entries = {};
    }
  }
  return entries;
}

/** The fingerprint under which `host` last had nothing to autoremove, if any. */
export function knownNoop(host: string): string | undefined {
  return load()[host];
}

/** Records that `host`, in the dpkg state `fingerprint`, has nothing to autoremove. */
export function rememberNoop(host: string, fingerprint: string): void {
  const all = load();
  if (all[host] === fingerprint) return;
  all[host] = fingerprint;
  writeCacheFile(file(), all);
}
