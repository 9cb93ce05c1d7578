// fetch's controller side: where the copy goes (Ansible's dest/<inventory_hostname>/<src>, or flat), never
// outside dest; what is there now (sha1 and md5, hashed as a stream, only a regular file); an atomic write.
import { createHash } from 'node:crypto';
import {
  closeSync,
  constants,
  createReadStream,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { describeFsError, fileTypeName } from '../../engine/controllerFile.ts';

/** Where one host's copy of src goes, or why it may not go anywhere. */
export type DestPath = { ok: true; path: string } | { ok: false; msg: string };

/**
 * Ansible's destination: `<dest>/<host>/<src>` (normalised), or with `flat` dest itself, or
 * `<dest>/<basename of src>` when dest ends with '/'. A relative dest is relative to `baseDir` (the
 * playbook's directory). The result must stay inside dest ('..' in src or the host name is refused with
 * Ansible's words), and no existing directory link below dest may lead it out.
 */
export function fetchDestPath(src: string, dest: string, host: string, flat: boolean, baseDir: string): DestPath {
  const base = path.resolve(baseDir, dest);
  let target: string;
  if (flat) {
    if (dest.endsWith('/')) target = path.join(base, path.posix.basename(src));
    else {
      if (isDirectory(base))
        return { ok: false, msg: 'dest is an existing directory, use a trailing slash if you want to fetch src into that directory' };
      target = base;
    }
  } else target = path.normalize(`${base}/${host}/${src}`);
  const within = target === base ? flat && !dest.endsWith('/') : target.startsWith(`${base}/`);
  if (!within || path.posix.basename(src) === '' || path.posix.basename(src) === '..' || path.posix.basename(src) === '.')
    return { ok: false, msg: `Detected directory traversal, expected to be contained in '${base}' but got '${target}'` };
  if (target !== base && escapesThroughLink(base, path.dirname(target)))
    return { ok: false, msg: `Detected directory traversal: a symbolic link under '${base}' leads '${target}' outside it` };
  return { ok: true, path: target };
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Whether the deepest existing directory on the way to `dir` resolves outside `base` (through a link). */
function escapesThroughLink(base: string, dir: string): boolean {
  if (!existsSync(base)) return false;
  let at = dir;
  while (!existsSync(at) && at !== base) at = path.dirname(at);
  const realBase = realpathSync(base);
  const real = realpathSync(at);
  return real !== realBase && !real.startsWith(`${realBase}/`);
}

/** What is at the controller path now. */
export type LocalCopy = { kind: 'absent' } | { kind: 'file'; size: number; sha1: string; md5: string } | { kind: 'refused'; msg: string };

/** Reads the controller copy's sha1 and md5 (streamed: any size); a directory, FIFO or device is refused unread. */
export async function inspectLocalCopy(p: string): Promise<LocalCopy> {
  let fd: number;
  try {
    fd = openSync(p, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'absent' };
    return { kind: 'refused', msg: describeFsError(err, p, 'fetch dest') };
  }
  const st = fstatSync(fd);
  if (!st.isFile()) {
    closeSync(fd);
    return { kind: 'refused', msg: `fetch dest ${p} is ${fileTypeName(st)}, not a regular file` };
  }
  const sha1 = createHash('sha1');
  const md5 = createHash('md5');
  await new Promise<void>((resolve, reject) => {
    const s = createReadStream('', { fd, autoClose: true });
    s.on('data', (chunk) => {
      sha1.update(chunk);
      md5.update(chunk);
    });
    s.on('end', resolve);
    s.on('error', reject);
  });
  return { kind: 'file', size: st.size, sha1: sha1.digest('hex'), md5: md5.digest('hex') };
}

/**
 * Writes `content` to `p` atomically: missing directories made, a temp file beside it (created, never
 * opened through an existing name), renamed over it. A failed write leaves `p` as it was.
 */
export function writeLocalCopy(p: string, content: Buffer): void {
  const dir = path.dirname(p);
  mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.fleetplay-fetch.${process.pid}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`);
  try {
    writeFileSync(tmp, content, { flag: 'wx', mode: 0o666 });
    renameSync(tmp, p);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
