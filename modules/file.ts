// file: make a path a directory, a symlink, an empty file, or absent; set its mode and owner.
import { createHash } from 'node:crypto';
import { shellQuote } from '../engine/quote.ts';
import type { DiffEntry, ModuleContext, ModuleDefinition, Plan, PredictedFile } from '../engine/types.ts';
import { attributeCommands, attributeDiffs, ownerSpec, wantedAttributes, type WantedAttributes } from './lib/attributes.ts';
import { predictFile, readFileState, readRemoteText, type FileState } from './lib/fileState.ts';
import { missingParent, mkdirPlan, predictDirectories } from './lib/parentDir.ts';
import { accountNameSchema, modeSchema } from './lib/schemas.ts';

type FileStateArg = 'file' | 'directory' | 'absent' | 'touch' | 'link';
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** The file module. */
export const fileModule: ModuleDefinition = {
  name: 'file',
  runsOn: 'host',
  schema: {
    type: 'object',
    properties: {
      path: { type: 'string', minLength: 1 },
      state: { enum: ['file', 'directory', 'absent', 'touch', 'link'] },
      src: { type: 'string' },
      mode: modeSchema,
      owner: accountNameSchema,
      group: accountNameSchema,
      force: { type: 'boolean' },
    },
    required: ['path'],
    additionalProperties: false,
    if: { properties: { state: { const: 'link' } }, required: ['state'] },
    then: { required: ['src'] },
  },
  async plan(args, ctx) {
    const path = String(args.path);
    const state = (args.state as FileStateArg | undefined) ?? 'file';
    const wanted = wantedAttributes(args);
    const current = await readFileState(ctx, path, false);
    switch (state) {
      case 'absent':
        return planAbsent(ctx, path, current);
      case 'directory':
        // Decided in the plan in both modes (not left to mkdir, touch or ln), so check mode and the real
        // run fail alike, also under failed_when.
        return planDirectory(ctx, path, current, wanted, current.type === 'absent' ? await mkdirPlan(ctx, path) : { created: [] });
      case 'touch': {
        const failed = current.type === 'absent' ? await parentFailure(ctx, path) : undefined;
        if (failed) return failed;
        const plan = planTouch(ctx, path, current, wanted);
        if (current.type !== 'absent') await predictAttributes(ctx, path, current, wanted);
        return plan;
      }
      case 'link':
        return (current.type === 'absent' && (await parentFailure(ctx, path))) || planLink(ctx, path, current, String(args.src), args.force === true, wanted);
      case 'file': {
        const plan = planExisting(ctx, path, current, wanted);
        if (plan.kind === 'change') await predictAttributes(ctx, path, current, wanted);
        return plan;
      }
    }
  },
};

function run(ctx: ModuleContext, script: string, done: string): () => Promise<{ kind: 'changed' | 'failed'; msg: string }> {
  return async () => {
    const r = await ctx.run(script);
    return r.exitCode === 0 ? { kind: 'changed', msg: done } : { kind: 'failed', msg: r.stderr.trim() || `exit ${r.exitCode}` };
  };
}

function describe(s: FileState): string {
  return s.type === 'link' ? `link to ${s.target}` : s.type;
}

function planAbsent(ctx: ModuleContext, path: string, current: FileState): Plan {
  if (current.type === 'absent') return { kind: 'ok', msg: `${path} is already absent` };
  // rm -r on a symlink removes the link itself and never follows it.
  const cmd = current.type === 'directory' ? `rm -rf -- ${shellQuote(path)}` : `rm -f -- ${shellQuote(path)}`;
  predictFile(ctx, path, { type: 'absent' });
  return {
    kind: 'change',
    msg: `remove ${path} (${describe(current)})`,
    diff: [{ header: `state of ${path}`, before: describe(current), after: 'absent' }],
    apply: run(ctx, cmd, `removed ${path}`),
  };
}

function attrs(path: string, current: FileState, wanted: WantedAttributes): { diff: DiffEntry[]; cmds: string[] } {
  const have = current.type === 'absent' || current.type === 'link' ? {} : current;
  const diff = attributeDiffs(path, have, wanted);
  const changedOnly: WantedAttributes = {};
  for (const d of diff) changedOnly[d.header.split(' ')[0] as keyof WantedAttributes] = d.after;
  return { diff, cmds: attributeCommands(shellQuote(path), changedOnly) };
}

/** A new path in a missing directory fails, as the real touch or ln would. */
async function parentFailure(ctx: ModuleContext, path: string): Promise<Plan | undefined> {
  const problem = await missingParent(ctx, path);
  return problem ? { kind: 'failed', msg: problem } : undefined;
}

function planDirectory(ctx: ModuleContext, path: string, current: FileState, wanted: WantedAttributes, mkdir: { created: string[]; problem?: string }): Plan {
  if (current.type !== 'absent' && current.type !== 'directory') {
    return { kind: 'failed', msg: `${path} exists and is a ${describe(current)}, not a directory` };
  }
  // mkdir -p fails when an ancestor is a file; the directories it creates above `path` are predicted too.
  if (mkdir.problem) return { kind: 'failed', msg: mkdir.problem };
  predictDirectories(ctx, mkdir.created.filter((d) => d !== path));
  const { diff, cmds } = attrs(path, current, wanted);
  if (current.type === 'directory' && cmds.length === 0) return { kind: 'ok', msg: `${path} is already a directory` };
  const create = current.type === 'absent';
  if (create) diff.unshift({ header: `state of ${path}`, before: 'absent', after: 'directory' });
  const script = [...(create ? [`mkdir -p -- ${shellQuote(path)}`] : []), ...cmds].join(' && ');
  const have = current.type === 'directory' ? current : undefined;
  predictFile(ctx, path, { type: 'directory', mode: wanted.mode ?? have?.mode ?? '0755', owner: wanted.owner ?? have?.owner ?? 'root', group: wanted.group ?? have?.group ?? 'root' });
  const msg = create ? `create directory ${path}` : `set ${diff.map((d) => d.header.split(' ')[0]).join('/')} of ${path}`;
  return { kind: 'change', msg, diff, apply: run(ctx, script, msg.replace(/^create/, 'created')) };
}

function planTouch(ctx: ModuleContext, path: string, current: FileState, wanted: WantedAttributes): Plan {
  // Like Ansible, touch always updates the timestamps, so it always reports changed.
  const { diff, cmds } = attrs(path, current, wanted);
  if (current.type === 'absent') diff.unshift({ header: `state of ${path}`, before: 'absent', after: 'file' });
  const script = [`touch -- ${shellQuote(path)}`, ...cmds].join(' && ');
  if (current.type === 'absent') {
    predictFile(ctx, path, { type: 'file', content: '', size: 0, checksum: EMPTY_SHA256, mode: wanted.mode ?? '0644', owner: wanted.owner ?? 'root', group: wanted.group ?? 'root' });
  }
  return { kind: 'change', msg: `touch ${path}`, diff, apply: run(ctx, script, `touched ${path}`) };
}

function planLink(
  ctx: ModuleContext,
  path: string,
  current: FileState,
  src: string,
  force: boolean,
  wanted: WantedAttributes,
): Plan {
  if (current.type === 'link' && current.target === src) {
    const own = wanted.owner && current.owner !== wanted.owner;
    if (!own) return { kind: 'ok', msg: `${path} already links to ${src}` };
  }
  if (current.type === 'directory' || (current.type === 'file' && !force)) {
    return { kind: 'failed', msg: `${path} exists as a ${current.type}; set force: true to replace it with a link` };
  }
  const script = [
    // A file (force) is removed first: `ln -sf` (and mv) refuse a link to the very file it replaces
    // ("are the same file"), which Ansible makes.
    ...(current.type === 'file' ? [`rm -f -- ${shellQuote(path)}`] : []),
    `ln -sfn -- ${shellQuote(src)} ${shellQuote(path)}`,
    ...(ownerSpec(wanted) ? [`chown -h -- ${shellQuote(ownerSpec(wanted))} ${shellQuote(path)}`] : []),
  ].join(' && ');
  predictFile(ctx, path, { type: 'link', target: src });
  return {
    kind: 'change',
    msg: `link ${path} -> ${src}`,
    diff: [{ header: `state of ${path}`, before: describe(current), after: `link to ${src}` }],
    apply: run(ctx, script, `linked ${path} -> ${src}`),
  };
}

function planExisting(ctx: ModuleContext, path: string, current: FileState, wanted: WantedAttributes): Plan {
  if (current.type === 'absent') return { kind: 'failed', msg: `${path} does not exist (use state: touch to create it)` };
  // Ansible: state=file on a directory (or any non-file, not followed) is a conflict, not a chmod.
  if (current.type === 'directory' || current.type === 'other') return { kind: 'failed', msg: `file (${path}) is ${current.type}, cannot continue` };
  const { diff, cmds } = attrs(path, current, wanted);
  if (cmds.length === 0) return { kind: 'ok', msg: `${path} is as wanted` };
  const msg = `set ${diff.map((d) => d.header.split(' ')[0]).join('/')} of ${path}`;
  return { kind: 'change', msg, diff, apply: run(ctx, cmds.join(' && '), msg) };
}

/**
 * Check mode: the attributes a chmod/chown of an existing file or directory leaves. The content stays,
 * so a file the host has is read once more with its sha256 (later tasks compare content by it).
 */
async function predictAttributes(ctx: ModuleContext, path: string, current: FileState, wanted: WantedAttributes): Promise<void> {
  if (!ctx.check || (current.type !== 'file' && current.type !== 'directory')) return;
  const known = ctx.predicted.file(path);
  const base: PredictedFile = known && known.type === current.type ? known : current.type === 'file' ? await hostFile(ctx, path) : current;
  if (base.type !== 'file' && base.type !== 'directory') return;
  ctx.predicted.setFile(path, { ...base, ...(wanted.mode ? { mode: wanted.mode } : {}), ...(wanted.owner ? { owner: wanted.owner } : {}), ...(wanted.group ? { group: wanted.group } : {}) });
}

/** A host file as a prediction: attributes, sha256 and (when the text read matches it) its text. */
async function hostFile(ctx: ModuleContext, path: string): Promise<PredictedFile> {
  const s = await readFileState(ctx, path, 'sha256');
  if (s.type !== 'file') return s.type === 'other' ? { type: 'absent' } : s;
  const text = await readRemoteText(ctx, path);
  return { ...s, ...(createHash('sha256').update(text).digest('hex') === s.checksum ? { content: text } : {}) };
}
