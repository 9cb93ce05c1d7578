// Where assemble's fragments come from: a directory on the host (remote_src, the default: two reads, the
// regular files' names and sizes, then the chosen ones' bytes) or on the controller (remote_src: false).
import path from 'node:path';
import { MAX_CONTENT_BYTES, readControllerFile } from '../lib/controllerFile.ts';
import { listControllerDirectory } from '../../engine/controllerFile.ts';
import { read, type ModuleView, type Probe } from '../../engine/module.ts';
import { operandPath, shellQuote } from '../../engine/quote.ts';
import type { PythonRegex } from '../../engine/regex/index.ts';
import type { ExecResult } from '../../engine/types.ts';
import { type Fragment, selectFragments } from './fragments.ts';
import { statSync } from 'node:fs';

/** The fragments, or why there are none to assemble (failed), or why check mode cannot tell (unknown). */
export type Gathered = { fragments: Fragment[] } | { failed: string } | { unknown: string };

/** How fragments are chosen. */
export interface Selection {
  regexp: PythonRegex | undefined;
  ignoreHidden: boolean;
}

/** Stage one: whether src is a directory, and each regular file in it (links followed) as `<size> <base64 name>`. */
export function listingCommand(src: string): string {
  const d = shellQuote(operandPath(src));
  return [
    `if [ ! -e ${d} ]; then echo absent; exit 0; fi`,
    `if [ ! -d ${d} ]; then echo notdir; exit 0; fi`,
    // A directory that cannot be entered (permission) stops here: never list another one.
    `cd -- ${d} || exit 1`,
    'echo dir',
    `for f in * .*; do [ -f "./$f" ] || continue; s=$(stat -L -c %s -- "./$f"); printf '%s %s\\n' "$s" "$(printf '%s' "$f" | base64 -w0)"; done`,
  ].join('\n');
}

/** Stage two: the bytes of each named file, one base64 line each, in the order given. */
export function contentCommand(src: string, names: readonly string[]): string {
  const list = names.map((n) => shellQuote(`./${n}`)).join(' ');
  return [
    `cd -- ${shellQuote(operandPath(src))} || exit 1`,
    `for f in ${list}; do [ -f "$f" ] || { printf '%s vanished while assemble read it\\n' "$f" >&2; exit 1; }; base64 -w0 < "$f"; echo; done`,
  ].join('\n');
}

type Listing = { kind: 'absent' } | { kind: 'notdir' } | { kind: 'dir'; files: Array<{ name: string; size: number }> };

function parseListing(src: string): (r: ExecResult) => Listing {
  return (r) => {
    if (r.exitCode !== 0) throw new Error(`cannot list ${src}: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
    const [head = '', ...rest] = r.stdout.split('\n');
    if (head === 'absent') return { kind: 'absent' };
    if (head === 'notdir') return { kind: 'notdir' };
    const files = rest
      .filter((l) => l !== '')
      .map((l) => {
        const [size = '0', name = ''] = l.split(' ');
        return { name: Buffer.from(name, 'base64').toString('utf8'), size: Number(size) };
      });
    return { kind: 'dir', files };
  };
}

/** Ansible's words for a src that is missing or not a directory. */
const missing = (src: string) => `Source (${src}) does not exist`;
const notDirectory = (src: string) => `Source (${src}) is not a directory`;

/** The fragments in a directory on the host. In check mode an earlier task's files under src make it unknown. */
export function* gatherRemote(src: string, sel: Selection, view: ModuleView): Probe<Gathered> {
  if (view.check && view.predicted.hasFileUnder(path.posix.normalize(src)))
    return { unknown: `an earlier task would change files under ${src}; check mode cannot list them` };
  const listing = yield* read({ command: listingCommand(src), parse: parseListing(src) });
  if (listing.kind === 'absent') {
    const opaque = view.check ? view.predicted.opaqueTask() : undefined;
    if (opaque) return { unknown: `${src} does not exist, but the earlier task '${opaque}' may create it` };
    return { failed: missing(src) };
  }
  if (listing.kind === 'notdir') return { failed: notDirectory(src) };
  const names = selectFragments(
    listing.files.map((f) => f.name),
    sel.regexp,
    sel.ignoreHidden,
  );
  const total = listing.files.filter((f) => names.includes(f.name)).reduce((n, f) => n + f.size, 0);
  if (total > MAX_CONTENT_BYTES) return { failed: tooBig(src, total) };
  if (names.length === 0) return { fragments: [] };
  const lines = yield* read({
    command: contentCommand(src, names),
    parse: (r) => {
      if (r.exitCode !== 0) throw new Error(`cannot read the fragments in ${src}: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
      return r.stdout.split('\n');
    },
  });
  return { fragments: names.map((name, i) => ({ name, content: Buffer.from(lines[i] ?? '', 'base64') })) };
}

/** The fragments in a directory on the controller (remote_src: false), found as Ansible finds a `files` src. */
export function gatherLocal(srcArg: string, sel: Selection, view: ModuleView): Gathered {
  const src = view.resolveLocalPath(srcArg, 'files');
  let isDir: boolean;
  try {
    isDir = statSync(src).isDirectory();
  } catch {
    return { failed: missing(src) };
  }
  if (!isDir) return { failed: notDirectory(src) };
  const regular = listControllerDirectory(src, 'assemble src').filter((n) => {
    try {
      return statSync(path.join(src, n)).isFile();
    } catch {
      return false;
    }
  });
  const names = selectFragments(regular, sel.regexp, sel.ignoreHidden);
  const total = names.reduce((n, name) => n + statSync(path.join(src, name)).size, 0);
  if (total > MAX_CONTENT_BYTES) return { failed: tooBig(src, total) };
  const fragments = names.map((name) => ({
    name,
    content: readControllerFile(path.join(src, name), { what: 'assemble fragment', maxBytes: MAX_CONTENT_BYTES }),
  }));
  return { fragments };
}

function tooBig(src: string, total: number): string {
  return `the fragments in ${src} hold ${total} bytes, more than assemble reads (${MAX_CONTENT_BYTES / 1024 / 1024} MiB)`;
}
