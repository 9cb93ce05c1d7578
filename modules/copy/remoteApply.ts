// The write of a copy on the host (remote_src): attributes only, or src copied beside dest and renamed over it.
import type { ModuleHost } from '../../engine/module.ts';
import { shellQuote } from '../../engine/quote.ts';
import type { ApplyOutcome } from '../../engine/types.ts';
import { attributeCommands } from '../lib/attributes.ts';
import { makeDirectories } from '../lib/createdDirectories.ts';
import { replaceFile } from '../lib/replaceFile.ts';
import type { RemoteCopyChange } from './remoteSrc.ts';

/** Applies one remote_src file change. */
export async function applyRemoteCopy(change: RemoteCopyChange, host: ModuleHost): Promise<ApplyOutcome> {
  const { dest, data } = change;
  if (change.sameContent) {
    const r = await host.run(attributeCommands(shellQuote(dest), change.wanted).join(' && '));
    if (r.exitCode !== 0) return { kind: 'failed', msg: r.stderr.trim(), data };
    return { kind: 'changed', msg: change.done, data };
  }
  const problem = await makeDirectories(host, change.directories, change.directoryAttributes);
  if (problem !== undefined) return { kind: 'failed', msg: problem, data };
  const source = { kind: 'host' as const, path: change.remoteSrc, checksum: change.checksum };
  const options = { ...(change.backup ? { backup: true } : {}), ...(change.validate !== undefined ? { validate: change.validate } : {}) };
  const done = await replaceFile(host, dest, source, change.wanted, options);
  if (!done.ok) return { kind: 'failed', msg: done.msg, data: { ...data, ...done.data } };
  return { kind: 'changed', msg: change.done, data: { ...data, ...(done.backupFile ? { backup_file: done.backupFile } : {}) } };
}
