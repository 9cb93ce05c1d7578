// -v … -vvvv: what each level adds, produced where the run has it (results, commands, connections) and
// redacted here, before any truncation could cut a secret in two and leave half of it readable.
import path from 'node:path';
import { inventoryBaseDir, inventoryLayers, shown, varsFileLayers, varsFilesOf } from '../connection/varsOrigin.ts';
import type { Secrets } from '../secrets.ts';
import type { Connection, ExecOptions, Inventory, PlayDef, Playbook, RunEvents, Vars } from '../types.ts';

/** The levels: what -v, -vv, -vvv and -vvvv add. */
export const VERBOSE = { data: 1, origins: 2, commands: 3, connection: 4 } as const;

// Keys every result has, already shown by the result line itself.
const SHOWN = new Set(['changed', 'failed', 'msg', 'skipped', 'item', 'ansible_loop_var', 'stdout_lines', 'stderr_lines']);
const MAX_TEXT = 4000;

/** A result's data beyond its message, redacted (rc, stdout, stderr and the module's other returns). */
export function resultData(registered: Vars, secrets: Secrets): Vars | undefined {
  const data: Vars = {};
  for (const [k, v] of Object.entries(registered)) if (!SHOWN.has(k) && v !== undefined) data[k] = v;
  return Object.keys(data).length ? (secrets.redactDeep(data) as Vars) : undefined;
}

/** Text cut to a readable length after redaction. */
export function clip(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}… (${text.length - MAX_TEXT} more characters)` : text;
}

/** -vvv: the connection, telling `log` every command it runs (with become), redacted. */
export function loggedConnection(
  conn: Connection,
  secrets: Secrets,
  log: (text: string) => void,
  quiet: { count: number } = { count: 0 },
): Connection {
  const tell = (kind: string, command: string, options?: ExecOptions): void => {
    if (quiet.count > 0) {
      log(`${kind}: (not shown: a no_log task is running)`);
      return;
    }
    const become = options?.become?.enabled ? ` (become ${options.become.user} via ${options.become.method ?? 'sudo'})` : '';
    log(`${kind}${become}: ${clip(secrets.redact(command))}`);
  };
  const logged: Connection = {
    get host() {
      return conn.host;
    },
    exec: (command, options) => {
      tell('EXEC', command, options);
      return conn.exec(command, options);
    },
    close: () => conn.close(),
  };
  if (conn.reset) logged.reset = () => conn.reset!();
  if (conn.reconnect) logged.reconnect = (options) => conn.reconnect!(options);
  if (conn.stream)
    logged.stream = (command, options) => {
      tell('STREAM', command, options);
      return conn.stream!(command, options);
    };
  return logged;
}

/** -vv: where a play's variables come from for each host (inventory layers, group_vars/host_vars, vars_files). */
export function reportOrigins(playbook: Playbook, play: PlayDef, inventory: Inventory, hosts: string[], events: RunEvents): void {
  if (!events.detail) return;
  const inventoryDir = inventoryBaseDir(inventory);
  const inventoryFiles = varsFilesOf(inventoryDir, inventory);
  const playbookDir = path.dirname(playbook.file);
  const playbookFiles = varsFilesOf(playbookDir, inventory);
  const varsFiles = play.varsFiles.map((f) => `vars_files ${f.file} (${shown(f.location.file)}:${f.location.line})`);
  for (const host of hosts) {
    const layers = [
      ...inventoryLayers(inventory, host, inventoryFiles, inventoryDir),
      ...varsFileLayers(playbookFiles, playbookDir, host, inventory.groupsOf(host)),
    ].map((l) => l.where);
    const all = [...layers, ...varsFiles];
    events.detail({
      host,
      level: VERBOSE.origins,
      text: `variables from: ${all.join(', ') || 'none (no inventory or playbook variables)'}`,
    });
  }
}
