// copy: put literal content, a controller file or directory, or (remote_src) a file on the host at a path on the host.
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import { FleetError } from '../../engine/errors.ts';
import { defineModule, read, type Decision, type ModuleView, type Probe } from '../../engine/module.ts';
import { shellQuote } from '../../engine/quote.ts';
import { wantedAttributes, type WantedAttributes } from '../lib/attributes.ts';
import { MAX_CONTENT_BYTES, readControllerFile, requireControllerFile } from '../lib/controllerFile.ts';
import { decideFileContent, probeFileContent, type ContentTarget, type FileContentFacts } from '../lib/fileContent.ts';
import { applyCopy, predictCopy, type CopyChange } from './apply.ts';
import { decideTree, probeTree, type TreeFacts } from './copyTree.ts';
import { modeProblem, withMode } from './mode.ts';
import { decideRemoteCopy, probeRemoteCopy, type RemoteCopyFacts } from './remoteSrc.ts';
import { copySchema, type CopyArgs } from './schema.ts';
import { vaultDecrypted } from './vault.ts';
import { expandPaths } from './expandPaths.ts';
import { withContentResult } from '../lib/contentResult.ts';

export { copySchema, type CopyArgs };

/** What probe found: a refusal, the content and what is at dest, a copy on the host, or a directory tree. */
export type CopyFacts =
  | { refused: string }
  | { write: FileContentFacts; srcMode?: string; srcPath?: string }
  | { remote: RemoteCopyFacts }
  | { tree: TreeFacts }
  | { unknown: string };

function* probeCopy(written: CopyArgs, view: ModuleView): Probe<CopyFacts> {
  const problem = modeProblem(written.mode);
  if (problem) return { refused: problem };
  // Ansible's copy action takes an empty src as none.
  if (written.content === undefined && !written.src) return { refused: 'src (or content) is required' };
  // dest, and a host src, are expanded on the host as Ansible's `path` arguments are ($HOME, ~).
  const onHost = written.remote_src === true && written.src !== undefined;
  const expanded = yield* expandPaths(onHost ? [written.dest, written.src as string] : [written.dest]);
  const args: CopyArgs = { ...written, dest: expanded[0] as string, ...(onHost ? { src: expanded[1] as string } : {}) };
  // As in Ansible, a dest ending in '/' is a directory that is created when missing.
  const createParents = args.dest.endsWith('/');
  // follow: a dest that is a link is written through (its target); else the link is replaced by the file.
  const destArg = args.follow === true && !createParents ? yield* throughLink(view, args.dest) : args.dest;
  const target: ContentTarget = {
    dest: destArg,
    wanted: wantedAttributes({
      ...(args.owner !== undefined ? { owner: args.owner } : {}),
      ...(args.group !== undefined ? { group: args.group } : {}),
    }),
    force: args.force !== false,
    createParents,
    ...(createParents ? { directoryAttributes: directoryAttributes(args) } : {}),
    ...(args.format === 'json' ? { format: 'json' as const } : {}),
    ...(args.backup === true ? { backup: true } : {}),
    ...(args.validate ? { validate: args.validate } : {}),
  };
  // Ansible's words, before the host is asked.
  if (args.content !== undefined && createParents) return { refused: 'can not use content with a dir as dest' };
  if (args.content !== undefined) {
    if (args.mode === 'preserve') return { refused: 'mode: preserve needs a src (content has no mode)' };
    return withWriteMode(args, { write: yield* probeFileContent(view, target, args.content) });
  }
  const srcArg = args.src ?? '';
  if (args.remote_src === true) {
    // src is read on the host: no controller search. format: json compares text on the controller only.
    if (args.format === 'json') throw new FleetError('arguments', 'copy: format: json cannot be used with remote_src');
    const dest = createParents ? path.posix.join(destArg, path.posix.basename(srcArg)) : destArg;
    const remote = yield* probeRemoteCopy(view, srcArg, { ...target, dest }, args.checksum !== undefined);
    if (remote.source.type === 'directory') {
      const tree = yield* probeTree(view, args, srcArg, true);
      return 'unknown' in tree ? tree : { tree };
    }
    const srcMode = remote.source.type === 'file' ? remote.source.mode : undefined;
    return {
      remote: { ...remote, target: { ...remote.target, wanted: withMode(remote.target.wanted, args.mode, remote.dest?.state, srcMode) } },
    };
  }
  // A src that is not a regular file is refused before the host is asked; its bytes are read after
  // dest's first read (a `local` stage), so a look ahead reads dest without reading src.
  const src = view.resolveLocalPath(srcArg, 'files');
  const limits = { what: 'copy src', maxBytes: MAX_CONTENT_BYTES };
  if (requireControllerFile(src, { ...limits, allowDirectory: true }) === 'directory') {
    const tree = yield* probeTree(view, args, src);
    return 'unknown' in tree ? tree : { tree };
  }
  const dest = createParents ? path.posix.join(destArg, path.basename(src)) : destArg;
  const write = yield* probeFileContent(
    view,
    { ...target, dest, intoDirectory: path.basename(src) },
    { what: `read copy src ${src}`, make: () => vaultDecrypted(readControllerFile(src, limits), src, args.decrypt !== false) },
  );
  return { ...withWriteMode(args, { write }, args.mode === 'preserve' ? localMode(src) : undefined), srcPath: src };
}

/** The content write's wanted mode, resolved once dest is known. */
function withWriteMode(args: CopyArgs, facts: { write: FileContentFacts }, srcMode?: string): CopyFacts {
  const t = facts.write.target;
  return { write: { ...facts.write, target: { ...t, wanted: withMode(t.wanted, args.mode, facts.write.dest?.state, srcMode) } } };
}

// mode: preserve: the controller file's own mode.
function localMode(src: string): string {
  return (statSync(src).mode & 0o7777).toString(8).padStart(4, '0');
}

/** follow: where a dest link leads (readlink -f); check mode follows predicted links first. */
function* throughLink(view: ModuleView, dest: string): Probe<string> {
  let at = path.posix.normalize(dest);
  for (let i = 0; view.check && i < 40; i++) {
    const p = view.predicted.file(at);
    if (p?.type !== 'link') {
      if (p) return at;
      break;
    }
    at = path.posix.resolve(path.posix.dirname(at), p.target);
  }
  const q = shellQuote(at);
  return yield* read({
    command: `if [ -L ${q} ]; then readlink -f -- ${q}; else printf '%s\\n' ${q}; fi`,
    parse: (r) => (r.exitCode === 0 && r.stdout !== '' ? r.stdout.replace(/\n$/, '') : at),
  });
}

/** Ansible: each directory copy creates gets directory_mode (not mode), owner and group. */
function directoryAttributes(args: CopyArgs): WantedAttributes {
  return wantedAttributes({
    ...(args.directory_mode !== undefined ? { mode: args.directory_mode } : {}),
    ...(args.owner !== undefined ? { owner: args.owner } : {}),
    ...(args.group !== undefined ? { group: args.group } : {}),
  });
}

function decideCopy(args: CopyArgs, facts: CopyFacts): Decision<CopyChange> {
  if ('refused' in facts) return { kind: 'failed', msg: facts.refused };
  if ('unknown' in facts) return { kind: 'unknown', msg: facts.unknown };
  if ('tree' in facts) {
    const owners = wantedAttributes({
      ...(args.owner !== undefined ? { owner: args.owner } : {}),
      ...(args.group !== undefined ? { group: args.group } : {}),
    });
    return decideTree(args, facts.tree, owners, directoryAttributes(args));
  }
  if ('remote' in facts) {
    const d = decideRemoteCopy(facts.remote);
    const s = facts.remote.source;
    return d.kind === 'change' && !d.change.sameContent ? checked(args, d, s.type === 'file' ? s.sha1 : undefined) : d;
  }
  // Ansible's words for content aimed at an existing directory (a controller src goes into it instead).
  if (facts.write.target.intoDirectory === undefined && facts.write.dest?.state.type === 'directory') {
    return { kind: 'failed', msg: 'can not use content with a dir as dest', data: { dest: facts.write.target.dest } };
  }
  const d = withContentResult(decideFileContent(facts.write), facts.write, 'srcPath' in facts ? facts.srcPath : undefined);
  return d.kind === 'change' && !d.change.sameContent ? checked(args, d, createHash('sha1').update(facts.write.content).digest('hex')) : d;
}

/** copy's `checksum`: a file whose SHA1 is not the one given is not copied (Ansible's words), in check mode too. */
function checked(args: CopyArgs, d: Decision<CopyChange> & { kind: 'change' }, sha1: string | undefined): Decision<CopyChange> {
  const expected = args.checksum?.toLowerCase();
  if (expected === undefined || sha1 === expected) return d;
  return {
    kind: 'failed',
    msg: 'Copied file does not match the expected checksum. Transfer failed.',
    data: { ...d.data, checksum: sha1 ?? '', expected_checksum: expected },
  };
}

/** The copy module. */
export const copyModule = defineModule<CopyArgs, CopyFacts, CopyChange>({
  name: 'copy',
  summary: 'Put content, a controller file or tree, or a host file at a path on the host.',
  runsOn: 'host',
  schema: copySchema,
  probe: probeCopy,
  decide: decideCopy,
  apply: applyCopy,
  predict: (decision, predicted) => predictCopy(decision, predicted),
  argumentsProblem: copyArgumentsProblem,
});

/** The copy action's words (Ansible 2.17) for a missing dest, no src or content, or both. */
function copyArgumentsProblem(args: Record<string, unknown>): string | undefined {
  if (!args.dest) return 'dest is required';
  if (!args.src && args.content === undefined) return 'src (or content) is required';
  if (args.src && args.content !== undefined) return 'src and content are mutually exclusive';
  return undefined;
}
