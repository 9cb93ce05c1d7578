// synchronize (ansible.posix.synchronize), push mode: the controller's rsync sends `src` to the host's
// `dest`, its protocol carried over the task's own connection (relay.ts: a streamed command running
// `rsync --server` on the host, host key checked and become applied as for every command). The options
// are Ansible's (options.ts): --delay-updates -F --compress --archive, --delete-after for delete, and the
// rest; changed when rsync itemizes anything. Check mode runs the same rsync with --dry-run and reports
// exactly what the real run would change (the itemized lines are the diff).
//
// Needs rsync on the controller and on the host. `mode: pull` and delegate_to are refused with the reason,
// as are rsync_opts that would change the transport (-e, --rsh, --rsync-path, ...). Differs from Ansible:
// the ssh-related arguments (private_key, dest_port, use_ssh_args, verify_host, set_remote_user,
// rsync_path, ssh_connection_multiplexing, link_dest) are not taken: the connection is fleetplay's; a
// become password cannot be given to the host's rsync (its stdin is the protocol): use sudo NOPASSWD.
import { defineModule, local, read, type Decision, type ModuleHost, type ModuleView, type Probe } from '../../engine/module.ts';
import { statSync } from 'node:fs';
import type { ApplyOutcome, PredictedFile, PredictedState, StreamChannel } from '../../engine/types.ts';
import { cleanOutput, itemized, predictedPath, refusedOption, rsyncArgs, rsyncOpts } from './options.ts';
import { runRsync, type RsyncRun } from './relay.ts';
import { synchronizeSchema, type SyncArgs } from './schema.ts';

/** What the probe found: why it cannot run, or the source (and in check mode, the dry run's outcome). */
type Facts = { error: string } | { src: string; dryRun?: RsyncRun; dirSource?: boolean };

/** What apply runs. */
interface Change {
  args: string[];
  dest: string;
  /** Check mode: the paths under dest the itemized lines change (a directory source only: options.ts predictedPath). */
  predictions?: Array<{ path: string; state: PredictedFile }>;
}

const NO_STREAM =
  "synchronize needs the host's own connection to carry rsync: delegate_to is not supported (nor a connection without streamed commands)";
const NO_RSYNC = 'rsync is not installed on the host (synchronize runs rsync at both ends)';
const HAS_RSYNC = 'command -v rsync';

/** Why the arguments cannot be run, if they cannot (before any read). */
function refused(args: SyncArgs): string | undefined {
  if (args.mode === 'pull') return 'mode: pull is not supported: synchronize pushes from the controller to the host only';
  for (const o of rsyncOpts(args)) {
    const why = refusedOption(o);
    if (why) return why;
  }
  return undefined;
}

/** The controller path: a relative src is looked up as copy's is (files/); a trailing slash (copy the contents) is kept. */
function sourcePath(src: string, view: ModuleView): string {
  if (src.startsWith('/')) return src;
  const found = view.resolveLocalPath(src.replace(/\/+$/, ''), 'files');
  return src.endsWith('/') ? `${found}/` : found;
}

function* probe(args: SyncArgs, view: ModuleView): Probe<Facts> {
  const why = refused(args);
  if (why) return { error: why };
  if (!view.check) return { src: sourcePath(args.src, view) };
  const stream = view.stream;
  if (!stream) return { error: NO_STREAM };
  const found = yield* read({ command: HAS_RSYNC });
  if (found.exitCode !== 0) return { error: NO_RSYNC };
  const src = sourcePath(args.src, view);
  const dryRun = yield* local('rsync --dry-run', () => runRsync(rsyncArgs(args, src, true), stream));
  return { src, dryRun, dirSource: statSync(src, { throwIfNoEntry: false })?.isDirectory() === true };
}

/** The result Ansible returns: cmd, rc, msg and stdout_lines. */
function resultData(run: RsyncRun, argv: string[]) {
  return { cmd: ['rsync', ...argv].join(' '), rc: run.exitCode, ...cleanOutput(run.stdout) };
}

function decide(args: SyncArgs, facts: Facts, view: ModuleView): Decision<Change> {
  if ('error' in facts) return { kind: 'failed', msg: facts.error };
  const argv = rsyncArgs(args, facts.src, false);
  const change: Change = { args: argv, dest: args.dest };
  const run = facts.dryRun;
  if (!view.check || !run) {
    return {
      kind: 'change',
      msg: `sync ${facts.src} to ${args.dest}`,
      summary: [{ verb: 'sync', object: args.dest, named: true }],
      change,
    };
  }
  const data = resultData(run, rsyncArgs(args, facts.src, true));
  if (run.exitCode !== 0) return { kind: 'failed', msg: `rsync failed (exit ${run.exitCode}): ${run.stderr.trim()}`, data };
  const items = itemized(run.stdout);
  if (items.length === 0) return { kind: 'ok', msg: `${args.dest} is in sync`, data };
  return {
    kind: 'change',
    msg: `sync ${items.length} item(s) to ${args.dest}`,
    summary: [{ verb: 'sync', object: 'path', count: items.length }],
    diff: [{ header: args.dest, before: '', after: `${items.join('\n')}\n` }],
    data,
    change: {
      ...change,
      ...(facts.dirSource ? { predictions: items.map((l) => predictedPath(l, args.dest)).filter((p) => p !== undefined) } : {}),
    },
  };
}

/** Check mode: what the itemized lines leave under dest (recorded by decide for a directory source). */
function predict(decision: Decision<Change>, predicted: PredictedState): void {
  if (decision.kind !== 'change') return;
  for (const p of decision.change.predictions ?? []) predicted.setFile(p.path, p.state);
}

/** Runs rsync over the host's connection; changed when it itemized anything. */
export async function synchronize(c: Change, host: ModuleHost): Promise<ApplyOutcome> {
  const stream: ((command: string) => Promise<StreamChannel>) | undefined = host.stream;
  if (!stream) return { kind: 'failed', msg: NO_STREAM };
  // A write, as far as the engine knows: it empties the read-ahead store before rsync changes the host.
  const found = await host.run(HAS_RSYNC);
  if (found.exitCode !== 0) return { kind: 'failed', msg: NO_RSYNC };
  const run = await runRsync(c.args, stream);
  const data = resultData(run, c.args);
  if (run.exitCode !== 0) return { kind: 'failed', msg: `rsync failed (exit ${run.exitCode}): ${run.stderr.trim()}`, data };
  const items = itemized(run.stdout);
  if (items.length === 0) return { kind: 'ok', msg: `${c.dest} is in sync`, data };
  return {
    kind: 'changed',
    msg: `synced ${items.length} item(s) to ${c.dest}`,
    data,
    diff: [{ header: c.dest, before: '', after: `${items.join('\n')}\n` }],
  };
}

/** The synchronize module (`ansible.posix.synchronize`). */
export const synchronizeModule = defineModule<SyncArgs, Facts, Change>({
  name: 'synchronize',
  summary: "Push a file or tree to the host with rsync over the task's own connection.",
  runsOn: 'host',
  schema: synchronizeSchema,
  probe,
  decide,
  apply: synchronize,
  predict,
});
