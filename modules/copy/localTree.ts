// A directory src on the controller, walked as Ansible's copy action does (_walk_dirs): with local_follow
// (the default) links are followed, without it they stay links.
import { lstatSync, readdirSync, readlinkSync, realpathSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { MAX_CONTENT_BYTES, readControllerFile } from '../lib/controllerFile.ts';
import { vaultDecrypted } from './vault.ts';

/** One entry of the tree, `rel` relative to the destination directory. */
export type LocalEntry =
  | { rel: string; type: 'directory'; mode: string }
  | { rel: string; type: 'file'; mode: string; content: Buffer }
  | { rel: string; type: 'link'; target: string };

// Trees larger than this are refused: their bytes are all held in memory.
const MAX_TREE_BYTES = 64 * 1024 * 1024;

/**
 * The entries of `src`, directories before what is in them; `base` prefixes every rel ('' for 'dir/').
 * Vault-encrypted files are decrypted (`decrypt`, modules/copy/vault.ts); when some cannot be, the error
 * names the first in Ansible's order (os.walk: a directory's files before its subdirectories').
 */
export function walkLocal(src: string, base: string, follow: boolean, decrypt = true): LocalEntry[] {
  const out: LocalEntry[] = [];
  const failures: Array<{ order: [number, string]; error: Error }> = [];
  let dirs = 0;
  let bytes = 0;
  const mode = (m: number) => (m & 0o7777).toString(8).padStart(4, '0');
  // As Ansible's _walk_dirs: with local_follow, a link to a file is copied as that file, a link to a
  // directory is walked unless it leads back to a directory being walked (then it stays a link), and a
  // link to nothing (dangling, a loop) stays a link. A directory reached twice is copied twice, as there.
  const walk = (dir: string, rel: string, ancestors: string[]) => {
    const index = dirs++;
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      const r = rel === '' ? name : `${rel}/${name}`;
      const l = lstatSync(full);
      const link = l.isSymbolicLink();
      const s = link ? (follow ? targetOf(full) : undefined) : l;
      if (link && (!s || (!s.isFile() && !s.isDirectory()) || (s.isDirectory() && ancestors.includes(realpathSync(full))))) {
        out.push({ rel: r, type: 'link', target: readlinkSync(full) });
        continue;
      }
      if (!s) continue;
      if (s.isDirectory()) {
        out.push({ rel: r, type: 'directory', mode: mode(s.mode) });
        walk(full, r, [...ancestors, realpathSync(full)]);
      } else if (s.isFile()) {
        let content = readControllerFile(full, { what: 'copy src', maxBytes: MAX_CONTENT_BYTES });
        try {
          content = vaultDecrypted(content, full, decrypt);
        } catch (error) {
          failures.push({ order: [index, name], error: error as Error });
        }
        bytes += content.length;
        if (bytes > MAX_TREE_BYTES) throw new Error(`copy src ${src} holds more than ${MAX_TREE_BYTES} bytes`);
        out.push({ rel: r, type: 'file', mode: mode(s.mode), content });
      }
    }
  };
  if (base !== '') out.push({ rel: base, type: 'directory', mode: mode(statSync(src).mode) });
  walk(src, base, [realpathSync(src)]);
  const first = failures.sort((a, b) => a.order[0] - b.order[0] || (a.order[1] < b.order[1] ? -1 : 1))[0];
  if (first) throw first.error;
  return out;
}

/** What a link leads to, or undefined when nothing (dangling, a loop, no permission). */
function targetOf(link: string): Stats | undefined {
  try {
    return statSync(link);
  } catch {
    return undefined;
  }
}
