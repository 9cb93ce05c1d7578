// The ssh config of a run: `--ssh-config FILE`, `none`, or by default ~/.ssh/config when it exists.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TransportOptions } from './index.ts';
import { parseSshConfig } from './sshConfigParse.ts';

/**
 * Reads the run's ssh config (throwing a FleetError, file:line, for a malformed one: nothing has been
 * contacted yet), prints its notes, and returns the transport fields to spread into the run's options.
 */
export function sshConfigForRun(
  option: string | undefined,
  timeoutGiven: boolean,
  print: (line: string) => void,
): Pick<TransportOptions, 'sshConfig' | 'connectTimeoutFromCli'> {
  const fields = timeoutGiven ? { connectTimeoutFromCli: true } : {};
  if (option === 'none') return fields;
  const file = option ?? path.join(os.homedir(), '.ssh', 'config');
  if (option === undefined && !existsSync(file)) return fields;
  const sshConfig = parseSshConfig(file);
  for (const note of sshConfig.notes) print(`note: ssh config ${note}\n`);
  const relaxed = sshConfig.directives.filter(
    (d) => d.keyword === 'stricthostkeychecking' && ['no', 'off', 'accept-new'].includes(d.args[0]!.toLowerCase()),
  );
  for (const d of relaxed)
    print(
      `warning: ssh config ${d.file}:${d.line}: StrictHostKeyChecking ${d.args[0]}: for the hosts it applies to, keys not yet ` +
        `in known_hosts are trusted and recorded (accept-new); a changed key is still refused\n`,
    );
  return { ...fields, sshConfig };
}
