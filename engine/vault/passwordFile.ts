// Reads a vault password file the way Ansible does: an executable file is run and its stdout is the password.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { fileTypeName, readControllerFile } from '../controllerFile.ts';
import { FleetError } from '../errors.ts';

// A password file holds one line; anything this large is the wrong file.
const MAX_PASSWORD_FILE_BYTES = 1024 * 1024;

// A password script that has not answered by then is broken (or waiting for input nobody gives).
const SCRIPT_TIMEOUT_MS = 60_000;

/** The password held in `file` (surrounding whitespace stripped), or printed by it when it is executable. */
export function readVaultPasswordFile(file: string): string {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(file);
  } catch (err) {
    throw new FleetError('arguments', `cannot read vault password file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  // Checked before the executable bit: a FIFO (even mode 0777) is neither read nor run.
  if (!st.isFile()) throw new FleetError('arguments', `vault password file ${file} is ${fileTypeName(st)}, not a regular file`);
  const password = isExecutable(file) ? runPasswordScript(file) : readPasswordText(file);
  if (password === '') throw new FleetError('arguments', `vault password file ${file} holds an empty password`);
  return password;
}

function readPasswordText(file: string): string {
  // Ansible: f.read().strip(); read non-blocking and bounded, the file may have been swapped since the stat.
  return readControllerFile(file, { what: 'vault password file', maxBytes: MAX_PASSWORD_FILE_BYTES }).toString('utf8').trim();
}

// Ansible's ScriptVaultSecret: run it with no arguments, stdin and stderr left to the user, stdout stripped of \r\n.
function runPasswordScript(file: string): string {
  const result = spawnSync(file, [], { stdio: ['inherit', 'pipe', 'inherit'], timeout: SCRIPT_TIMEOUT_MS, encoding: 'utf8' });
  if (result.error) throw new FleetError('arguments', `vault password script ${file} could not run: ${result.error.message}`);
  if (result.status !== 0) {
    throw new FleetError('arguments', `vault password script ${file} failed (exit ${result.status ?? result.signal ?? 'unknown'})`);
  }
  return result.stdout.replace(/^[\r\n]+|[\r\n]+$/g, '');
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
