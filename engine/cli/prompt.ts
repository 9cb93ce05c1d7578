// Reads a secret from the terminal without echoing it.
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { FleetError } from '../errors.ts';

/**
 * Asks for a password on stderr; the typed text is never echoed or logged. Without a terminal on
 * stdin there is nobody to ask: that is an error (exit 4), never a run that silently does nothing.
 */
export function promptSecret(question: string, option: string, envVar: string, input: NodeJS.ReadStream = process.stdin): Promise<string> {
  if (!input.isTTY) {
    return Promise.reject(
      new FleetError('arguments', `${option} needs a terminal to read the password from, and stdin is not one; set ${envVar} instead`),
    );
  }
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input, output, terminal: true });
  return new Promise((resolve, reject) => {
    let answered = false;
    rl.on('close', () => {
      if (!answered) reject(new FleetError('arguments', `${option}: no password was entered (input closed)`));
    });
    rl.question(question, (answer) => {
      answered = true;
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}
