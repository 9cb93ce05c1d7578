// Reading any user-named file on the controller (playbook, inventory, vars files, -e @file, --limit @file,
// vault password file, template/copy/unarchive `src`) without ever blocking or exhausting the controller:
// only a regular file is read, up to a size limit. A FIFO would block a synchronous read forever (Ctrl-C
// included: the event loop never runs again), and /dev/zero never ends.
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync, statSync, type Stats } from 'node:fs';
import { FleetError, type ErrorKind } from './errors.ts';
import type { SourceLocation } from './types.ts';

/** Template and copy content is held in memory and sent in one command: 64 MiB is far above any config file. */
export const MAX_CONTENT_BYTES = 64 * 1024 * 1024;

/** A controller-side archive is read whole before it is sent: 1 GiB. */
export const MAX_ARCHIVE_BYTES = 1024 * 1024 * 1024;

/** YAML, INI and pattern inputs are parsed whole in memory: 16 MiB is far above any real playbook or inventory. */
export const MAX_SOURCE_BYTES = 16 * 1024 * 1024;

/** What the file is for, in messages ("template src"), and how much of it may be read. */
export interface ControllerFileOptions {
  what: string;
  maxBytes: number;
  /** A directory is accepted (and reported as such) instead of refused. */
  allowDirectory?: boolean;
  /** The kind of the FleetError thrown by readControllerFile ('arguments' unless told). */
  kind?: ErrorKind;
  /** Where the path was named (a task, a vars_files entry), for the FleetError. */
  location?: SourceLocation;
}

/** What is at a controller path: a readable regular file (with its size), a directory, or why neither. */
export type ControllerFileCheck =
  | { kind: 'file'; path: string; size: number }
  | { kind: 'directory'; path: string }
  | { kind: 'refused'; path: string; problem: string };

/** The kind of a non-regular file, for messages. */
export function fileTypeName(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

/** A file-system error on `path` in words (symlink loop, permission denied, missing, ...). */
export function describeFsError(err: unknown, path: string, what: string): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ELOOP':
      return `${what} ${path}: symlink loop (too many levels of symbolic links)`;
    case 'EACCES':
    case 'EPERM':
      return `${what} ${path}: permission denied`;
    case 'ENOENT':
      return `${what} ${path} does not exist on the controller`;
    case 'ENOTDIR':
      return `${what} ${path}: a part of the path is not a directory`;
    case 'ENAMETOOLONG':
      return `${what} ${path}: the path is too long`;
    default:
      return `${what} ${path}: ${(err as Error | undefined)?.message ?? String(err)}`;
  }
}

function checkStats(path: string, st: Stats, options: ControllerFileOptions): ControllerFileCheck {
  if (st.isDirectory() && options.allowDirectory) return { kind: 'directory', path };
  if (!st.isFile())
    return {
      kind: 'refused',
      path,
      problem: `${options.what} ${path} is ${fileTypeName(st)}, not a regular file; only regular files are read`,
    };
  if (st.size > options.maxBytes) {
    return {
      kind: 'refused',
      path,
      problem: `${options.what} ${path} is ${st.size} bytes, over the limit of ${formatBytes(options.maxBytes)}`,
    };
  }
  return { kind: 'file', path, size: st.size };
}

/**
 * Looks at a controller path without opening it (stat follows symlinks, so a link to a FIFO is seen as
 * one). Never throws: a problem is data, usable by a validation pass as well as by a module.
 */
export function inspectControllerFile(path: string, options: ControllerFileOptions): ControllerFileCheck {
  let st: Stats;
  try {
    st = statSync(path);
  } catch (err) {
    const dangling = (err as NodeJS.ErrnoException).code === 'ENOENT' && lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink();
    const problem = dangling ? `${options.what} ${path} is a symbolic link to a missing file` : describeFsError(err, path, options.what);
    return { kind: 'refused', path, problem };
  }
  return checkStats(path, st, options);
}

/**
 * Reads a regular file on the controller, at most `maxBytes`. Throws a FleetError naming the path and
 * why for anything else. The open is non-blocking and the type is checked again on the open file, so a
 * file swapped for a FIFO after the stat cannot block; reading stops at the limit even if the file grows.
 */
export function readControllerFile(path: string, options: ControllerFileOptions): Buffer {
  const fail = (message: string): FleetError =>
    new FleetError(options.kind ?? 'arguments', message, options.location ? { location: options.location } : {});
  const first = inspectControllerFile(path, { ...options, allowDirectory: false });
  if (first.kind !== 'file') throw fail(first.kind === 'refused' ? first.problem : `${options.what} ${path} is a directory`);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (err) {
    throw fail(describeFsError(err, path, options.what));
  }
  try {
    const again = checkStats(path, fstatSync(fd), { ...options, allowDirectory: false });
    if (again.kind !== 'file') throw fail(again.kind === 'refused' ? again.problem : `${options.what} ${path} is a directory`);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1024 * 1024, options.maxBytes + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > options.maxBytes)
        throw fail(`${options.what} ${path} grew over the limit of ${formatBytes(options.maxBytes)} while it was read`);
    }
    return Buffer.concat(chunks, total);
  } catch (err) {
    if (err instanceof FleetError) throw err;
    throw fail(describeFsError(err, path, options.what));
  } finally {
    closeSync(fd);
  }
}

/**
 * The entries of a controller directory, sorted, or a FleetError naming it (unreadable, not a directory).
 * Listing never blocks; each entry is then read with readControllerFile, which refuses what is not a file.
 */
export function listControllerDirectory(path: string, what: string, kind: ErrorKind = 'arguments'): string[] {
  try {
    return readdirSync(path).sort();
  } catch (err) {
    throw new FleetError(kind, describeFsError(err, path, what));
  }
}

/** Whether `path` is a directory (following links); a missing, dangling or unreadable path is not. */
export function isControllerDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024 * 1024 && n % (1024 * 1024 * 1024) === 0) return `${n / (1024 * 1024 * 1024)} GiB`;
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  return `${n} bytes`;
}
