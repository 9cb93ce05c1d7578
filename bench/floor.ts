// The raw SSH floor: one ssh2 connection per host (host keys checked against the lab's known_hosts),
// then rounds of exec('true') on every host at once, with ssh2's socket defaults (Nagle on) and then with
// TCP_NODELAY as fleetplay uses. No tool can do a round trip per task faster.
// Usage on a running lab: npx tsx bench/floor.ts [--lab bench] [--rounds 10]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client } from 'ssh2';
import { labStatus, type LabState } from '../lab/index.ts';
import type { FloorResult } from './types.ts';

/** Connects to every node of the lab, runs `rounds` rounds of exec('true') everywhere, and closes. */
export async function measureFloor(lab: LabState, rounds = 10): Promise<FloorResult> {
  const privateKey = readFileSync(lab.keyFile);
  const known = knownKeys(lab.knownHostsFile);
  const started = performance.now();
  const clients = await Promise.all(lab.nodes.map((n) => connect(n.address, privateKey, known.get(n.address))));
  const connectMs = performance.now() - started;
  try {
    const measure = async (): Promise<number[]> => {
      const times: number[] = [];
      for (let i = 0; i < rounds; i++) {
        const t = performance.now();
        await Promise.all(clients.map((c) => execTrue(c)));
        times.push(performance.now() - t);
      }
      return times;
    };
    const mean = (t: number[]): number => Math.round(t.reduce((a, b) => a + b, 0) / t.length);
    const nagle = await measure();
    // fleetplay sets TCP_NODELAY on its connections; the floor it is held to does too.
    for (const c of clients) c.setNoDelay(true);
    const times = await measure();
    return { connectMs: Math.round(connectMs), rounds: times.map(Math.round), roundMs: mean(times), nagleRoundMs: mean(nagle) };
  } finally {
    for (const c of clients) c.end();
  }
}

// address -> base64 key blob, from "<address> <type> <base64>" lines.
function knownKeys(file: string): Map<string, string> {
  const keys = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [host, , blob] = line.trim().split(/\s+/);
    if (host && blob) keys.set(host, blob);
  }
  return keys;
}

function connect(address: string, privateKey: Buffer, knownBlob: string | undefined): Promise<Client> {
  return new Promise((resolve, reject) => {
    const c = new Client();
    c.on('ready', () => resolve(c)).on('error', reject);
    c.connect({
      host: address,
      port: 22,
      username: 'root',
      privateKey,
      readyTimeout: 30_000,
      algorithms: { serverHostKey: ['ssh-ed25519'] },
      hostVerifier: (key: Buffer) => knownBlob !== undefined && key.toString('base64') === knownBlob,
    });
  });
}

function execTrue(c: Client): Promise<void> {
  return new Promise((resolve, reject) => {
    c.exec('true', (err, stream) => {
      if (err) return reject(err);
      stream.on('close', (code: number | null) => (code === 0 ? resolve() : reject(new Error(`true exited ${code}`))));
      stream.resume();
      stream.stderr.resume();
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { lab: { type: 'string', default: 'bench' }, rounds: { type: 'string', default: '10' } } });
  const lab = await labStatus({ name: values.lab });
  if (!lab) throw new Error(`lab ${values.lab} is not up`);
  console.log(JSON.stringify(await measureFloor(lab, Number(values.rounds))));
}
