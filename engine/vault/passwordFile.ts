// Reads a vault password file the way Ansible does: an executable file is run and its stdout is the password.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { FleetError } from '../errors.ts';

// A password script that has not answered by then is broken (or waiting for input nobody gives).
const SCRIPT_TIMEOUT_MS = 60_000;

/** The password held in `file` (surrounding whitespace stripped), or printed by it when it is executable. */
export function readVaultPasswordFile(file: string): string {
  let isFile: boolean;
  try {
    isFile = statSync(file).isFile();
  } catch (err) {
    throw new FleetError('arguments', `cannot read vault password file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  if (!isFile) throw new FleetError('arguments', `vault password file ${file} is not a regular file`);
  const password = isExecutable(file) ? runPasswordScript(file) : readPasswordText(file);
  if (password === '') throw new FleetError('arguments', `vault password file ${file} holds an empty password`);
  return password;
}

function readPasswordText(file: string): string {
  try {
    // Ansible: f.read().strip()
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new FleetError('arguments', `cannot read vault password file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
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
