// Reads the state of one remote path (type, mode, owner, checksum, link target) in one command.
import { shellQuote } from '../../engine/quote.ts';
import { read, type ModuleView, type Probe } from '../../engine/module.ts';
import type { PredictedFile, PredictedState } from '../../engine/types.ts';

/** Checksum algorithms a file probe can compute. */
export type ChecksumAlgorithm = 'sha1' | 'sha256';

/** What is at a path on the host. Mode is four octal digits ("0644"). */
export type FileState =
  | { type: 'absent' }
  | ({ type: 'file'; mode: string; owner: string; group: string; size: number; checksum?: string } & Ids)
  | ({ type: 'directory'; mode: string; owner: string; group: string } & Ids)
  | ({ type: 'link'; target: string; owner: string; group: string } & Ids)
  | ({ type: 'other'; mode: string; owner: string; group: string } & Ids);

/** The numeric owner and group, when read from the host (not from check mode's prediction). */
type Ids = { uid?: number; gid?: number };

/**
 * Shell snippet printing `key=value` lines that parseFileState understands. One stat per path (each
 * fork costs about 1.5 ms of the host's CPU, and a converged run probes every file it manages).
 */
export function fileStateCommand(path: string, checksum: ChecksumAlgorithm | false): string {
  const p = shellQuote(path);
  const stat = (fields: string) => `stat --printf '${fields}' -- ${p};`;
  const ids = 'owner=%U\\ngroup=%G\\nuid=%u\\ngid=%g\\n';
  const sum = checksum ? `s=$(${checksum}sum < ${p}); printf 'checksum=%s\\n' "\${s%% *}"; ` : '';
  return [
    `if [ -L ${p} ]; then printf 'type=link\\ntarget=%s\\n' "$(readlink -- ${p})"; ${stat(ids)}`,
    `elif [ -d ${p} ]; then echo type=directory; ${stat(`mode=%a\\n${ids}`)}`,
    `elif [ -f ${p} ]; then echo type=file; ${stat(`mode=%a\\n${ids}size=%s\\n`)} ${sum}`,
    `elif [ -e ${p} ]; then echo type=other; ${stat(`mode=%a\\n${ids}`)}`,
    `else echo type=absent; fi`,
  ].join(' ');
}

/** Parses the output of fileStateCommand. */
export function parseFileState(output: string): FileState {
  const kv = new Map<string, string>();
  for (const line of output.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0 && !kv.has(line.slice(0, eq))) kv.set(line.slice(0, eq), line.slice(eq + 1));
  }
  const mode = (kv.get('mode') ?? '0').padStart(4, '0');
  const owner = kv.get('owner') ?? '';
  const group = kv.get('group') ?? '';
  const uid = kv.get('uid');
  const gid = kv.get('gid');
  const ids: Ids = { ...(uid !== undefined ? { uid: Number(uid) } : {}), ...(gid !== undefined ? { gid: Number(gid) } : {}) };
  switch (kv.get('type')) {
    case 'link':
      return { type: 'link', target: kv.get('target') ?? '', owner, group, ...ids };
    case 'directory':
      return { type: 'directory', mode, owner, group, ...ids };
    case 'file': {
      const sum = kv.get('checksum');
      return { type: 'file', mode, owner, group, size: Number(kv.get('size') ?? 0), ...(sum ? { checksum: sum } : {}), ...ids };
    }
    case 'other':
      return { type: 'other', mode, owner, group, ...ids };
    default:
      return { type: 'absent' };
  }
}

/**
 * Reads one path's state; throws when the probe itself fails (e.g. permission denied). In check mode
 * a state predicted by an earlier task wins over what the (unchanged) host says.
 */
export function* probeFileState(
  view: Pick<ModuleView, 'check' | 'predicted'>,
  path: string,
  checksum: ChecksumAlgorithm | false = 'sha256',
): Probe<FileState> {
  const predicted = view.check ? view.predicted.file(path) : undefined;
  if (predicted) return fromPredicted(predicted, checksum);
  return yield* read({
    command: fileStateCommand(path, checksum),
    parse: (r) => {
      if (r.exitCode !== 0) throw new Error(`cannot inspect ${path}: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
      return parseFileState(r.stdout);
    },
  });
}

/** A predicted state seen as a probe result (defaults are what fleetplay's writers produce). */
export function fromPredicted(p: PredictedFile, checksum: ChecksumAlgorithm | false): FileState {
  switch (p.type) {
    case 'absent':
      return { type: 'absent' };
    case 'directory':
      return { type: 'directory', mode: p.mode ?? '0755', owner: p.owner ?? 'root', group: p.group ?? 'root' };
    case 'link':
      return { type: 'link', target: p.target, owner: 'root', group: 'root' };
    case 'file':
      return {
        type: 'file',
        mode: p.mode ?? '0644',
        owner: p.owner ?? 'root',
        group: p.group ?? 'root',
        size: p.size ?? (p.content !== undefined ? Buffer.byteLength(p.content) : 0),
        ...(checksum === 'sha256' && p.checksum ? { checksum: p.checksum } : {}),
      };
  }
}

/** Records the state a planned change leaves at `path` (for a module's predict step: check mode only). */
export function setPredictedFile(predicted: PredictedState, path: string, state: PredictedFile): void {
  predicted.setFile(path, state);
}

/** Reads a remote file's text (for diffs). Missing file → ''. A predicted text wins in check mode. */
export function* probeRemoteText(view: Pick<ModuleView, 'check' | 'predicted'>, path: string): Probe<string> {
  const predicted = view.check ? view.predicted.file(path) : undefined;
  if (predicted?.type === 'file' && predicted.content !== undefined) return predicted.content;
  if (predicted?.type === 'absent') return '';
  return yield* read({ command: `cat -- ${shellQuote(path)} 2>/dev/null || true`, parse: (r) => r.stdout });
}
