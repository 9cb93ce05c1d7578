// copy of a directory src from the controller: every directory, file and (local_follow: false) link of the
// tree at dest, as Ansible's copy action does it file by file. One read gets the state of every dest path;
// each file is then decided as a single copy (content, attributes, force), missing directories are created
// with directory_mode, owner and group.
import path from 'node:path';
import { local, read, type Decision, type ModuleHost, type ModuleView, type Probe } from '../../engine/module.ts';
import { shellQuote } from '../../engine/quote.ts';
import type { ApplyOutcome, DiffEntry, PredictedState } from '../../engine/types.ts';
import type { WantedAttributes } from '../lib/attributes.ts';
import { makeDirectories, predictDirectories } from '../lib/createdDirectories.ts';
import {
  applyFileContent,
  decideFileContent,
  predictFileContent,
  type ContentTarget,
  type FileContentChange,
  sha256,
} from '../lib/fileContent.ts';
import { fromPredicted, type FileState } from '../lib/fileState.ts';
import { probeMkdir } from '../lib/parentDir.ts';
import { walkHost, type TreeEntry } from './hostTree.ts';
import { walkLocal } from './localTree.ts';
import { applyRemoteCopy } from './remoteApply.ts';
import { decideRemoteCopy, type RemoteCopyChange } from './remoteSrc.ts';
import { withMode } from './mode.ts';
import type { CopyArgs } from './schema.ts';

/** What the probe found: the tree, each dest path's state, and the directories above the base that are missing. */
export interface TreeFacts {
  base: string;
  entries: Array<{ entry: TreeEntry; dest: string; state: FileState; before?: string }>;
  above: { created: string[]; problem?: string };
}

/** The planned change. */
export interface TreeChange {
  tree: true;
  directories: string[];
  directoryAttributes: WantedAttributes;
  files: Array<FileContentChange | RemoteCopyChange>;
  links: Array<{ path: string; target: string; replace: boolean }>;
  done: string;
  data: { dest: string; src: string };
}

// Per path, one NUL-ended record: l<TAB>target | d<TAB>mode<TAB>owner<TAB>group | f<TAB>mode<TAB>owner<TAB>group<TAB>size<TAB>sha256 | o | a.
const STATES = [
  "xargs -0 -r sh -c 'for p do",
  'if [ -L "$p" ]; then printf "l\\t%s\\0" "$(readlink -- "$p")";',
  'elif [ -d "$p" ]; then stat --printf "d\\t%a\\t%U\\t%G\\0" -- "$p";',
  'elif [ -f "$p" ]; then s=$(sha256sum < "$p"); stat --printf "f\\t%a\\t%U\\t%G\\t%s\\t" -- "$p"; printf "%s\\0" "${s%% *}";',
  'elif [ -e "$p" ]; then printf "o\\0"; else printf "a\\0"; fi; done\' sh',
].join(' ');

function parseState(rec: string): FileState {
  const [t, a = '', b = '', c = '', d = '0', e = ''] = rec.split('\t');
  const mode = a.padStart(4, '0');
  if (t === 'l') return { type: 'link', target: rec.slice(2), owner: '', group: '' };
  if (t === 'd') return { type: 'directory', mode, owner: b, group: c };
  if (t === 'f') return { type: 'file', mode, owner: b, group: c, size: Number(d), ...(e ? { checksum: e } : {}) };
  if (t === 'o') return { type: 'other', mode: '0000', owner: '', group: '' };
  return { type: 'absent' };
}

/** The probe: the local walk (a local stage), then the dest states in one read (predicted ones win in check mode). */
export function* probeTree(view: ModuleView, args: CopyArgs, src: string, hostSrc = false): Probe<TreeFacts | { unknown: string }> {
  const contents = (args.src ?? '').endsWith('/');
  const name = path.posix.basename(src.replace(/\/+$/, ''));
  const base = contents ? args.dest.replace(/\/+$/, '') || '/' : path.posix.join(args.dest, name);
  // The controller walk follows links unless local_follow is false (the action's default); the module's own
  // copy of a host tree (shutil.copytree(symlinks=not local_follow)) keeps them unless it is true.
  const follow = hostSrc ? args.local_follow === true : args.local_follow !== false;
  // Check mode: a host tree an earlier task would change cannot be listed.
  if (hostSrc && view.check && view.predicted.hasFileUnder(path.posix.normalize(src).replace(/(.)\/+$/, '$1')))
    return { unknown: `an earlier task would change files under ${src}; check mode cannot list them` };
  const tree: TreeEntry[] = hostSrc
    ? yield* walkHost(src, contents ? '' : name, follow)
    : yield* local(`read copy src ${src}`, async () => walkLocal(src, contents ? '' : name, follow, args.decrypt !== false));
  const destOf = (e: TreeEntry) => path.posix.join(args.dest, e.rel);
  const predicted = (p: string) => (view.check ? view.predicted.file(p) : undefined);
  const ask = tree.map(destOf).filter((p) => predicted(p) === undefined);
  const states = ask.length
    ? yield* read({
        command: STATES,
        stdin: ask.map((p) => `${p}\0`).join(''),
        parse: (r) => {
          const recs = r.stdout.split('\0').slice(0, -1);
          if (recs.length !== ask.length)
            throw new Error(`cannot inspect the files under ${base}: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
          return new Map(ask.map((p, i) => [p, parseState(recs[i]!)]));
        },
      })
    : new Map<string, FileState>();
  const entries: TreeFacts['entries'] = tree.map((entry) => {
    const dest = destOf(entry);
    const p = predicted(dest);
    return { entry, dest, state: p ? fromPredicted(p, 'sha256') : states.get(dest)! };
  });
  // The directories above the tree that mkdir -p creates (a 'dir/' src: dest itself too).
  const above = yield* probeMkdir(view, contents ? base : path.posix.dirname(base));
  // The texts of changed text files, for the diff.
  const changed = entries.filter(
    (x) =>
      x.entry.type === 'file' &&
      x.state.type === 'file' &&
      x.state.checksum !== sha256(x.entry.content) &&
      !x.entry.content.includes(0) &&
      x.state.size < 65536,
  );
  for (const x of changed) {
    const p = predicted(x.dest);
    if (p?.type === 'file' && p.content !== undefined) x.before = p.content;
  }
  const onHost = changed.filter((x) => predicted(x.dest) === undefined);
  if (onHost.length) {
    const texts = yield* read({
      command: 'xargs -0 -r sh -c \'for p do cat -- "$p"; printf "\\0"; done\' sh',
      stdin: onHost.map((x) => `${x.dest}\0`).join(''),
      parse: (r) => r.stdout.split('\0'),
    });
    onHost.forEach((x, i) => {
      if (texts[i] !== undefined) x.before = texts[i];
    });
  }
  return { base, entries, above };
}

/** Decides every entry: pure. */
export function decideTree(args: CopyArgs, facts: TreeFacts, wanted: WantedAttributes, dirAttrs: WantedAttributes): Decision<TreeChange> {
  const data = { dest: facts.base, src: args.src ?? '' };
  if (facts.above.problem) return { kind: 'failed', msg: facts.above.problem, data };
  const directories = [...facts.above.created];
  const files: TreeChange['files'] = [];
  const links: TreeChange['links'] = [];
  const diff: DiffEntry[] = [];
  for (const { entry, dest, state, before } of facts.entries) {
    if (entry.type === 'directory') {
      if (state.type === 'absent') {
        if (!directories.includes(dest)) directories.push(dest);
      } else if (state.type !== 'directory') return { kind: 'failed', msg: `${dest} exists and is not a directory`, data };
      continue;
    }
    if (entry.type === 'link') {
      if (state.type === 'link' && state.target === entry.target) continue;
      if (state.type === 'directory') return { kind: 'failed', msg: `${dest} exists as a directory; cannot replace it with a link`, data };
      if (state.type !== 'absent' && args.force === false) continue;
      links.push({ path: dest, target: entry.target, replace: state.type !== 'absent' });
      diff.push({
        header: `state of ${dest}`,
        before: state.type === 'link' ? `link to ${state.target}` : state.type,
        after: `link to ${entry.target}`,
      });
      continue;
    }
    // A host tree is copied as shutil.copytree/copymode do: without a mode, a file copied (new, or other
    // content) gets src's; one with the same content keeps its own (Ansible's copy_diff_files skips it).
    const copied = entry.type === 'hostfile' && (state.type !== 'file' || state.checksum !== entry.checksum);
    const mode = args.mode ?? (copied ? 'preserve' : undefined);
    // backup and validate apply to each file, as Ansible's action passes them to each file's copy.
    const target: ContentTarget = {
      dest,
      wanted: withMode(wanted, mode, state, entry.mode),
      force: args.force !== false,
      ...(args.backup === true ? { backup: true } : {}),
      ...(args.validate ? { validate: args.validate } : {}),
    };
    if (entry.type === 'hostfile') {
      const source = { type: 'file' as const, size: entry.size, checksum: entry.checksum, mode: entry.mode };
      const r = decideRemoteCopy({ src: entry.src, target, source, dest: { state, parents: { created: [] } } });
      if (r.kind === 'failed' || r.kind === 'unknown') return { ...r, data };
      if (r.kind === 'change') {
        files.push(r.change);
        diff.push(...(r.diff ?? []));
      }
      continue;
    }
    const d = decideFileContent({
      target,
      content: entry.content,
      dest: { state, parents: { created: [] }, ...(before !== undefined ? { before } : {}) },
    });
    if (d.kind === 'failed' || d.kind === 'unknown') return { ...d, data };
    if (d.kind === 'change') {
      files.push(d.change);
      diff.push(...(d.diff ?? []));
    }
  }
  if (directories.length === 0 && files.length === 0 && links.length === 0) return { kind: 'ok', msg: `${facts.base} is up to date`, data };
  const parts = [
    ...(directories.length ? [`${directories.length} director${directories.length === 1 ? 'y' : 'ies'}`] : []),
    ...(files.length ? [`${files.length} file${files.length === 1 ? '' : 's'}`] : []),
    ...(links.length ? [`${links.length} link${links.length === 1 ? '' : 's'}`] : []),
  ];
  const msg = `copy ${parts.join(', ')} to ${facts.base}`;
  return {
    kind: 'change',
    msg,
    diff: [...directories.map((d) => ({ header: `state of ${d}`, before: 'absent', after: 'directory' })), ...diff],
    data,
    summary: [{ verb: 'write', object: 'file' }],
    change: { tree: true, directories, directoryAttributes: dirAttrs, files, links, done: msg.replace(/^copy/, 'copied'), data },
  };
}

/** Creates the directories, writes the files, makes the links. */
export async function applyTree(change: TreeChange, host: ModuleHost): Promise<ApplyOutcome> {
  const { data } = change;
  // Outermost first; mkdir -p of each keeps going where an earlier one made it.
  for (const d of change.directories) {
    const problem = await makeDirectories(host, [d], change.directoryAttributes);
    if (problem !== undefined) return { kind: 'failed', msg: problem, data };
  }
  for (const f of change.files) {
    const r = 'remoteSrc' in f ? await applyRemoteCopy(f, host) : await applyFileContent(f, host);
    if (r.kind === 'failed') return { ...r, data };
  }
  for (const l of change.links) {
    const cmd = [...(l.replace ? [`rm -f -- ${shellQuote(l.path)}`] : []), `ln -sfn -- ${shellQuote(l.target)} ${shellQuote(l.path)}`];
    // owner and group reach the link itself (Ansible's lchown), not what it points to.
    const { owner, group } = change.directoryAttributes;
    const ids = owner !== undefined ? `${owner}${group !== undefined ? `:${group}` : ''}` : group !== undefined ? `:${group}` : undefined;
    if (ids !== undefined) cmd.push(`chown -h -- ${shellQuote(ids)} ${shellQuote(l.path)}`);
    const r = await host.run(cmd.join(' && '));
    if (r.exitCode !== 0) return { kind: 'failed', msg: r.stderr.trim() || `cannot link ${l.path}`, data };
  }
  return { kind: 'changed', msg: change.done, data };
}

/** Check mode: the directories, files and links the change leaves. */
export function predictTree(change: TreeChange, predicted: PredictedState): void {
  predictDirectories(predicted, change.directories, change.directoryAttributes);
  for (const f of change.files) {
    if ('remoteSrc' in f) predicted.setFile(f.dest, f.predicted);
    else predictFileContent({ kind: 'change', msg: '', summary: [], change: f }, predicted);
  }
  for (const l of change.links) predicted.setFile(l.path, { type: 'link', target: l.target });
}
