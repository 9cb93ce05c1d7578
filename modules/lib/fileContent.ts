// Shared plan for modules that put whole-file content at a path (copy, template).
import { createHash } from 'node:crypto';
import type { DiffEntry, ModuleContext, Plan } from '../../engine/types.ts';
import { attributeCommands, attributeDiffs, type WantedAttributes } from './attributes.ts';
import { predictFile, readFileState, readRemoteText } from './fileState.ts';
import { writeRemoteFile } from './writeFile.ts';
import { shellQuote } from '../../engine/quote.ts';
import path from 'node:path';
import { missingParent, mkdirPlan, predictDirectories } from './parentDir.ts';
import { invalidJsonMessage, parseJson, sameJson } from './jsonContent.ts';

/** sha256 of text or bytes, hex. */
export function sha256(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/**
 * Compares wanted content and attributes with what is at `dest`, and plans the write. Uploads only
 * when the remote sha256 differs; attribute-only drift is fixed with chmod/chown.
 */
export async function planFileContent(
  ctx: ModuleContext,
  dest: string,
  content: string | Buffer,
  wanted: WantedAttributes,
  options: { force?: boolean; format?: 'json'; createParents?: boolean } = {},
): Promise<Plan> {
  const json = options.format === 'json' ? parseJson(String(content)) : undefined;
  if (json && !json.ok) return { kind: 'failed', msg: invalidJsonMessage(dest, json.problem), data: { dest } };
  const state = await readFileState(ctx, dest, 'sha256');
  const wantSum = sha256(content);
  const data = { dest, checksum: wantSum };
  if (state.type === 'directory' || state.type === 'other') {
    return { kind: 'failed', msg: `${dest} exists and is not a regular file (${state.type})`, data };
  }
  // A new file needs its directory (Ansible: "Destination directory … does not exist"), unless the
  // caller creates it (copy to a dest ending in '/'). Decided in the plan in both modes, so check mode
  // and the real run fail alike (also under failed_when); check mode reads through the predicted state.
  let parents: string[] = [];
  if (state.type === 'absent') {
    const mk = options.createParents ? await mkdirPlan(ctx, path.posix.dirname(dest)) : undefined;
    const problem = mk ? mk.problem : await missingParent(ctx, dest);
    if (problem) return { kind: 'failed', msg: problem, data };
    parents = mk?.created ?? [];
  }
  const exists = state.type === 'file' || state.type === 'link';
  if (exists && options.force === false) return { kind: 'ok', msg: `${dest} exists and force is false`, data };
  const sameBytes = state.type === 'file' && state.checksum === wantSum;
  const current = state.type === 'file' ? state : {};
  const attrDiffs = attributeDiffs(dest, current, wanted);
  // format: json compares values: a file that differs only in whitespace or key order is left alone.
  const sameValue = json?.ok === true && state.type === 'file' && !sameBytes && sameJsonFile(await readRemoteText(ctx, dest), json.value);
  const sameContent = sameBytes || sameValue;
  if (sameContent && attrDiffs.length === 0) {
    return { kind: 'ok', msg: sameValue ? `${dest} holds the same JSON (only formatting or key order differ)` : `${dest} is up to date`, data };
  }

  const diff: DiffEntry[] = [];
  if (!sameContent) {
    const before = state.type === 'file' && isText(content) ? await readRemoteText(ctx, dest) : '';
    diff.push({ header: dest, before, after: isText(content) ? String(content) : `(binary, sha256 ${wantSum})` });
  }
  diff.push(...attrDiffs);
  const msg = !sameContent
    ? `${state.type === 'absent' ? 'create' : 'update'} ${dest} (${byteLength(content)} bytes)`
    : `set ${attrDiffs.map((d) => d.header.split(' ')[0]).join('/')} of ${dest}`;
  const had = state.type === 'file' ? state : undefined;
  // Same JSON value: only attributes change, the host's bytes stay.
  const kept = sameValue && had ? { ...(had.checksum ? { checksum: had.checksum } : {}), size: had.size } : undefined;
  predictDirectories(ctx, parents);
  predictFile(ctx, dest, {
    type: 'file',
    ...(kept ?? { checksum: wantSum, size: byteLength(content) }),
    mode: wanted.mode ?? had?.mode ?? '0644',
    owner: wanted.owner ?? had?.owner ?? 'root',
    group: wanted.group ?? had?.group ?? 'root',
    ...(!kept && isText(content) && byteLength(content) < 1_000_000 ? { content: String(content) } : {}),
  });
  return {
    kind: 'change',
    msg,
    diff,
    data,
    apply: async () => {
      if (!sameContent) {
        if (parents.length) {
          const r = await ctx.run(`mkdir -p -- ${shellQuote(parents[parents.length - 1]!)}`);
          if (r.exitCode !== 0) return { kind: 'failed', msg: r.stderr.trim() || `cannot create ${parents[parents.length - 1]}`, data };
        }
        await writeRemoteFile(ctx, dest, content, wanted);
      } else {
        const r = await ctx.run(attributeCommands(shellQuote(dest), wanted).join(' && '));
        if (r.exitCode !== 0) return { kind: 'failed', msg: r.stderr.trim(), data };
      }
      return { kind: 'changed', msg: msg.replace(/^create/, 'created').replace(/^update/, 'updated'), data };
    },
  };
}

function sameJsonFile(text: string, want: unknown): boolean {
  const have = parseJson(text);
  return have.ok && sameJson(have.value, want);
}

function isText(content: string | Buffer): boolean {
  return typeof content === 'string' || !content.includes(0);
}

function byteLength(content: string | Buffer): number {
  return typeof content === 'string' ? Buffer.byteLength(content) : content.length;
}
