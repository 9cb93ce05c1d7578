// The result fields of a content write (copy, template), as Ansible's copy returns them: `checksum` is the SHA1 of the content, `md5sum`
// is there when the content is written, and the file's path info (uid, gid, owner, group, mode, size,
// state) is what the probe read (nothing to do), what one stat after the write says (the real run), or
// what check mode predicts.
import { createHash } from 'node:crypto';
import type { Decision, ModuleHost } from '../../engine/module.ts';
import { shellQuote } from '../../engine/quote.ts';
import type { ApplyOutcome, ResultData } from '../../engine/types.ts';
import type { FileContentChange, FileContentFacts } from './fileContent.ts';

/** The decision of a content write with Ansible's result fields added. */
export function withContentResult(d: Decision<FileContentChange>, facts: FileContentFacts, src?: string): Decision<FileContentChange> {
  // Ansible's `src` is the temp file it uploaded; fleetplay uploads through stdin and names the controller file.
  const sums: ResultData = { checksum: hash('sha1', facts.content), ...(src !== undefined ? { src } : {}) };
  const state = facts.dest?.state;
  if (d.kind !== 'change') {
    const info = state?.type === 'file' ? pathInfo({ ...state }) : {};
    return { ...d, data: { ...d.data, ...sums, ...info } };
  }
  if (!d.change.sameContent) sums.md5sum = hash('md5', facts.content);
  const p = d.change.predicted;
  const predicted = p.type === 'file' ? pathInfo({ owner: p.owner, group: p.group, mode: p.mode, size: p.size }) : {};
  const data = { ...d.data, ...sums, ...predicted };
  return { ...d, data, change: { ...d.change, data: { ...d.change.data, ...sums } as FileContentChange['data'] } };
}

/** After a content write: the file's path info from one stat, added to the outcome's data. */
export async function withStat(outcome: ApplyOutcome, dest: string, host: ModuleHost): Promise<ApplyOutcome> {
  if (outcome.kind !== 'changed') return outcome;
  const r = await host.run(`stat --printf '%u\\t%g\\t%U\\t%G\\t%a\\t%s' -- ${shellQuote(dest)}`, { readOnly: true });
  if (r.exitCode !== 0) return outcome;
  const [uid, gid, owner, group, mode, size] = r.stdout.split('\t');
  const info = pathInfo({ uid: Number(uid), gid: Number(gid), owner, group, mode: (mode ?? '').padStart(4, '0'), size: Number(size) });
  return { ...outcome, data: { ...outcome.data, ...info } };
}

/** Ansible's add_path_info for a regular file: only the fields known. */
function pathInfo(s: { uid?: number; gid?: number; owner?: string; group?: string; mode?: string; size?: number }): ResultData {
  const out: ResultData = {};
  for (const key of ['uid', 'gid', 'owner', 'group', 'mode', 'size'] as const) if (s[key] !== undefined) out[key] = s[key];
  out.state = 'file';
  return out;
}

function hash(algorithm: 'sha1' | 'md5', content: string | Buffer): string {
  return createHash(algorithm).update(content).digest('hex');
}
