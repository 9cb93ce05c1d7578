// What the file module reads: the path's state (and a link's target with follow), its parents when it
// would be created, the tree below it with recurse, the host's umask and times when the arguments need
// them, and in check mode the content a chmod/chown keeps.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { read, type ModuleView, type Probe } from '../../engine/module.ts';
import { shellQuote } from '../../engine/quote.ts';
import type { PredictedFile } from '../../engine/types.ts';
import { requireAccountName } from '../lib/argumentRules.ts';
import { fileStateCommand, fromPredicted, parseFileState, probeFileState, probeRemoteText, type FileState } from '../lib/fileState.ts';
import { probeMissingParent, probeMkdir } from '../lib/parentDir.ts';
import { isSymbolicMode, symbolicModeProblem } from '../lib/symbolicMode.ts';
import { effectiveState, refusal, type Plan } from './plan.ts';
import type { FileArgs } from './schema.ts';
import { probeHard } from './hard.ts';
import { readTree, treeChecksums } from './tree.ts';
import { timeSpec, type TimeSpec } from './times.ts';
import { attributeTarget, entryChanges, targetChange } from './attrs.ts';
import type { FileFacts, FileRefusal, HostExtras } from './types.ts';
import { parsePathInfo, pathInfoCommand, readPathInfo, type PathInfo } from './pathInfo.ts';

/** The probe: refusals first (nothing is read for them), then the reads the state needs. */
export function* probeFile(args: FileArgs, view: ModuleView, placed = false): Probe<FileFacts | FileRefusal> {
  for (const key of ['owner', 'group'] as const) if (args[key] !== undefined) requireAccountName(key, args[key]);
  if (typeof args.mode === 'string' && isSymbolicMode(args.mode)) {
    const problem = symbolicModeProblem(args.mode.trim());
    if (problem) return { refused: problem };
  }
  const { current, info } = yield* probeCurrent(view, args.path);
  // Ansible's additional_parameter_handling: a path that is a directory, for any state but link and absent,
  // becomes the file named _original_basename (or src's name) inside it.
  const inside = placed ? undefined : insideDirectory(args, current);
  if (inside !== undefined) {
    const facts = yield* probeFile({ ...args, path: inside }, view, true);
    return 'refused' in facts ? facts : { ...facts, path: inside };
  }
  const state = effectiveState(args, current);
  const refused = refusal(args, state);
  if (refused) return { refused, info };
  const times = {
    atime: timeSpec(args.access_time, args.access_time_format, state),
    mtime: timeSpec(args.modification_time, args.modification_time_format, state),
  };
  if ('problem' in times.atime) return { refused: times.atime.problem };
  if ('problem' in times.mtime) return { refused: times.mtime.problem };
  const plan: Plan = { state, times: { atime: times.atime, mtime: times.mtime } };
  const facts: FileFacts = { current, plan, extras: { umask: 0o022, epochs: {} }, info: new Map([[args.path, info]]) };
  // Ansible's check mode warns about an owner or group the host does not know (a real run fails at chown).
  if (view.check && state !== 'absent' && (args.owner !== undefined || args.group !== undefined)) {
    facts.warnings = yield* accountWarnings(args.owner, args.group);
  }
  // Ansible's _diff_peek (its action plugins ask it): only whether the path's head holds a NUL byte.
  if (args._diff_peek !== undefined) {
    facts.appearsBinary = yield* read({
      command: `head -c 8192 -- ${shellQuote(args.path)} 2>/dev/null | tr -d -c '\\000' | wc -c`,
      parse: (r) => Number(r.stdout.trim()) > 0,
    });
    return facts;
  }
  if (current.type === 'absent') {
    const opaque = view.check && !view.predicted.file(args.path) ? view.predicted.opaqueTask() : undefined;
    if (opaque) facts.opaque = opaque;
    if (state === 'directory') facts.mkdir = yield* probeMkdir(view, args.path);
    if (state === 'touch' || state === 'link' || state === 'hard') {
      const problem = yield* probeMissingParent(view, args.path);
      if (problem) facts.parentProblem = problem;
    }
    if (state === 'directory' || state === 'touch') facts.extras = yield* probeExtras(view, args, plan.times, undefined);
    if (state === 'link') {
      yield* probeLinkFacts(view, args, current, facts);
      yield* followLink(view, args, current, facts);
    }
    if (state === 'hard') yield* probeHardFacts(view, args, facts);
    return facts;
  }
  if (state === 'hard') {
    yield* probeHardFacts(view, args, facts);
    return facts;
  }
  if (state === 'link') {
    yield* probeLinkFacts(view, args, current, facts);
    yield* followLink(view, args, current, facts);
    return facts;
  }
  if (state === 'absent' && current.type === 'directory') facts.pathContent = yield* readPathContent(args.path);
  // follow: a link's target gets the attributes (Ansible's realpath); in check mode a predicted link leads on.
  if (current.type === 'link' && args.follow !== false && (state === 'file' || state === 'directory' || state === 'touch')) {
    const real = yield* realPath(view, args.path);
    const got = yield* probeCurrent(view, real);
    facts.followed = { path: real, state: got.current };
    facts.info.set(real, got.info);
  }
  const target = attributeTarget(args.path, facts);
  if (state === 'absent' || target.state.type === 'absent') return facts;
  facts.extras = yield* probeExtras(view, args, plan.times, target.path);
  if (args.recurse === true && target.state.type === 'directory') {
    if (view.check && view.predicted.hasFileUnder(target.path)) {
      facts.treeUnknown = `an earlier task would change files under ${target.path}; check mode cannot list them`;
      return facts;
    }
    const tree = yield* readTree(target.path, args.follow !== false);
    if (view.check) yield* treeChecksums(entryChanges(args, tree, facts.extras).filter((e) => e.type === 'file'));
    facts.tree = tree;
  }
  yield* readBase(view, args, target, facts);
  return facts;
}

/** The path inside a directory the task acts on instead (see probeFile), or undefined. */
function insideDirectory(args: FileArgs, current: FileState): string | undefined {
  if (args.state === 'link' || args.state === 'absent' || current.type !== 'directory') return undefined;
  const name = args._original_basename || (args.src ? path.posix.basename(args.src) : '');
  return name ? path.posix.join(args.path, name) : undefined;
}

/** check_owner_exists / check_group_exists: a warning for each name or id getent does not know. */
function* accountWarnings(owner: string | undefined, group: string | undefined): Probe<string[]> {
  const q = (db: string, name: string | undefined) =>
    name === undefined ? 'echo' : `getent ${db} ${shellQuote(name)} >/dev/null && echo yes || echo no`;
  const [u = '', g = ''] = yield* read({ command: `${q('passwd', owner)}; ${q('group', group)}`, parse: (r) => r.stdout.split('\n') });
  const id = (v: string) => /^\d+$/.test(v);
  const out: string[] = [];
  if (owner !== undefined && u.trim() === 'no') {
    out.push(`failed to look up user ${id(owner) ? 'with uid ' : ''}${owner}. Create user up to this point in real play`);
  }
  if (group !== undefined && g.trim() === 'no') {
    out.push(`failed to look up group ${id(group) ? 'with gid ' : ''}${group}. Create group up to this point in real play`);
  }
  return out;
}

/**
 * What is at a path (check mode: an earlier task's prediction wins) and, from the host as Ansible reads it
 * after acting (in check mode: the unchanged host), the info its result reports. One stage.
 */
function* probeCurrent(view: ModuleView, p: string): Probe<{ current: FileState; info: PathInfo | undefined }> {
  const predicted = view.check ? view.predicted.file(p) : undefined;
  if (predicted) return { current: fromPredicted(predicted, false), info: yield* readPathInfo(p) };
  // One command (a read of its own is a round trip of its own when not read ahead): the state, a separator, the info.
  return yield* read({
    command: `${fileStateCommand(p, false)}; printf '\\036\\n'; ${pathInfoCommand(p)}`,
    parse: (r) => {
      if (!r.stdout.startsWith('type=')) throw new Error(`cannot inspect ${p}: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
      const cut = r.stdout.indexOf('\x1e\n');
      if (cut < 0) return { current: parseFileState(r.stdout), info: undefined };
      return { current: parseFileState(r.stdout.slice(0, cut)), info: parsePathInfo(r.stdout.slice(cut + 2)) };
    },
  });
}

/**
 * state: link: Ansible's checks before linking: without force, that src exists seen from the link's directory
 * (the path itself when it is a directory); for a directory to replace, whether it is empty.
 */
function* probeLinkFacts(view: ModuleView, args: FileArgs, current: FileState, facts: FileFacts): Probe<void> {
  const link: NonNullable<FileFacts['link']> = {};
  const p = path.posix.resolve('/', args.path);
  if (args.src !== undefined && args.force !== true) {
    // Python's os.path.join: an absolute src stands alone.
    link.absrc = args.src.startsWith('/')
      ? args.src
      : path.posix.join(current.type === 'directory' ? args.path : path.posix.dirname(args.path), args.src);
    const abs = path.posix.resolve(current.type === 'directory' ? p : path.posix.dirname(p), args.src);
    const known = view.check ? view.predicted.file(abs) : undefined;
    link.absrcExists = known
      ? known.type !== 'absent'
      : yield* read({ command: `test -e ${shellQuote(abs)} && echo yes; true`, parse: (r) => r.stdout.trim() === 'yes' });
  }
  if (current.type === 'directory' && args.force === true) {
    const below = yield* readPathContent(args.path);
    link.dirEmpty = below.files.length === 0 && below.directories.length === 0;
  }
  facts.link = link;
}

/** What is below a directory, as Ansible's os.walk lists it for its diff: directories, and everything else. */
function* readPathContent(dir: string): Probe<{ directories: string[]; files: string[] }> {
  return yield* read({
    command: `find -P ${shellQuote(dir)} -mindepth 1 -printf '%y %p\\0'`,
    parse: (r) => {
      const out = { directories: [] as string[], files: [] as string[] };
      for (const rec of r.stdout.split('\0')) {
        if (rec.length < 3) continue;
        (rec.startsWith('d ') ? out.directories : out.files).push(rec.slice(2));
      }
      return out;
    },
  });
}

/** state: hard: src, the inodes, the extras for src's attributes and, in check mode, src's content for the prediction. */
function* probeHardFacts(view: ModuleView, args: FileArgs, facts: FileFacts): Probe<void> {
  const hard = yield* probeHard(view, args);
  if (!hard) return;
  facts.hard = hard;
  if (hard.srcState.type !== 'file') return;
  facts.extras = yield* probeExtras(view, args, facts.plan.times, hard.src);
  if (view.check) {
    const known = view.predicted.file(hard.src);
    facts.base = known?.type === 'file' ? known : yield* hostFile(view, hard.src);
  }
}

/** Check mode predicts what a chmod/chown leaves; the content stays, so a file is read once more. */
function* readBase(view: ModuleView, args: FileArgs, target: { path: string; state: FileState }, facts: FileFacts): Probe<void> {
  if (!view.check || (target.state.type !== 'file' && target.state.type !== 'directory')) return;
  if (targetChange(args, target, facts.plan.times, facts.extras).cmds.length === 0) return;
  const known = view.predicted.file(target.path);
  if (known && known.type === target.state.type) facts.base = known;
  else facts.base = target.state.type === 'file' ? yield* hostFile(view, target.path) : target.state;
}

/**
 * state: link with follow (the default): Ansible sets the attributes and times on where the link leads (its
 * load_file_common_arguments' realpath), when there is something to set and it exists.
 */
function* followLink(view: ModuleView, args: FileArgs, current: FileState, facts: FileFacts): Probe<void> {
  const src = args.src ?? (current.type === 'link' ? current.target : undefined);
  const { atime, mtime } = facts.plan.times;
  const nothing =
    args.mode === undefined &&
    args.owner === undefined &&
    args.group === undefined &&
    atime.kind === 'preserve' &&
    mtime.kind === 'preserve';
  if (args.follow === false || src === undefined || nothing) return;
  const real = yield* realPath(view, path.posix.resolve(path.posix.dirname(path.posix.resolve('/', args.path)), src));
  const state = yield* probeFileState(view, real, false);
  facts.followed = { path: real, state };
  if (state.type === 'absent') return;
  facts.extras = yield* probeExtras(view, args, facts.plan.times, real);
  yield* readBase(view, args, facts.followed, facts);
}

/** Where a link leads (readlink -f); check mode follows predicted links first. */
function* realPath(view: ModuleView, p: string): Probe<string> {
  let at = path.posix.normalize(p);
  for (let i = 0; view.check && i < 40; i++) {
    const known = view.predicted.file(at);
    if (known?.type !== 'link') break;
    at = path.posix.resolve(path.posix.dirname(at), known.target);
  }
  if (view.check && view.predicted.file(at) && view.predicted.file(at)?.type !== 'link') return at;
  return yield* read({
    command: `readlink -f -- ${shellQuote(at)}`,
    parse: (r) => {
      // A path readlink cannot resolve (a missing directory on the way) stays as it is: it is absent.
      if (r.exitCode !== 0 || r.stdout === '') return at;
      return r.stdout.replace(/\n$/, '');
    },
  });
}

/** The host's umask when a symbolic mode needs it, the target's times and the time strings as epochs when the times need them. */
function* probeExtras(
  view: ModuleView,
  args: FileArgs,
  times: { atime: TimeSpec; mtime: TimeSpec },
  target: string | undefined,
): Probe<HostExtras> {
  const locals = [times.atime, times.mtime].flatMap((t) => (t.kind === 'at' ? [t.local] : []));
  const needTimes = target !== undefined && (times.atime.kind === 'at' || times.mtime.kind === 'at');
  const needUmask = isSymbolicMode(args.mode);
  const extras: HostExtras = { umask: 0o022, epochs: {} };
  const needFlags = target !== undefined && args.attributes !== undefined;
  if (!needTimes && !needUmask && !needFlags && locals.length === 0) return extras;
  const lines = [
    'printf "umask=%s\\n" "$(umask)"',
    ...(needTimes ? [`stat -L --printf 'atime=%.9X\\nmtime=%.9Y\\n' -- ${shellQuote(target)} || true`] : []),
    ...(needFlags ? [`f=$(lsattr -d -- ${shellQuote(target)} 2>/dev/null) && printf 'flags=%s\\n' "\${f%% *}"`] : []),
    ...locals.map((l, i) => `e=$(date -d ${shellQuote(l)} +%s) && printf 'epoch${i}=%s\\n' "$e"`),
  ];
  const kv = yield* read({
    command: `${lines.join('; ')}; true`,
    parse: (r) => new Map(r.stdout.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const)),
  });
  extras.umask = Number.parseInt(kv.get('umask') ?? '022', 8);
  if (kv.has('atime')) extras.atime = Number(kv.get('atime'));
  if (kv.has('mtime')) extras.mtime = Number(kv.get('mtime'));
  if (needFlags) extras.attrFlags = (kv.get('flags') ?? '').replace(/-/g, '');
  locals.forEach((l, i) => {
    const e = kv.get(`epoch${i}`);
    extras.epochs[l] = e !== undefined && /^-?\d+$/.test(e) ? Number(e) : undefined;
  });
  if (view.check && target !== undefined && view.predicted.file(target)) extras.timesChanged = true;
  return extras;
}

/** A host file as a prediction: attributes, sha256 and (when the text read matches it) its text. */
function* hostFile(view: ModuleView, p: string): Probe<PredictedFile> {
  const s: FileState = yield* probeFileState(view, p, 'sha256');
  if (s.type !== 'file') return s.type === 'other' ? { type: 'absent' } : s;
  const text = yield* probeRemoteText(view, p);
  return { ...s, ...(createHash('sha256').update(text).digest('hex') === s.checksum ? { content: text } : {}) };
}
