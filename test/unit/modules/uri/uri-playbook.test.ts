// uri in a playbook on the local connection: Ansible's aliases user/password, the password masked in
// every result (even when the server echoes it back), a registered json read by a later task, and check
// mode sending nothing while changed_when settles the status.
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPlaybook } from '../../../../engine/executor/runPlaybook.ts';
import { loadInventory } from '../../../../engine/inventory/index.ts';
import { loadPlaybook } from '../../../../engine/playbook/load.ts';
import type { RunReport } from '../../../../engine/types.ts';
import { moduleRegistry } from '../../../../modules/index.ts';

const PASSWORD = 'zq-uri-secret-77';
const hits: string[] = [];
let base = '';
const server = http.createServer((req, res) => {
  hits.push(`${req.method} ${req.url}`);
  const auth = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
  // Echoes the credentials it got, as a careless API might.
  res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ auth, ok: true }));
});

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
});

async function play(check: boolean): Promise<RunReport> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-uri-play-'));
  writeFileSync(path.join(dir, 'inv'), '[all]\nh1 ansible_connection=local\n');
  writeFileSync(
    path.join(dir, 'play.yml'),
    `- hosts: all
  gather_facts: false
  tasks:
    - name: call the api
      ansible.builtin.uri:
        url: ${base}/api
        method: POST
        user: admin
        password: ${PASSWORD}
        force_basic_auth: true
        return_content: true
      register: r
      changed_when: false
    - name: show
      debug: { msg: "ok={{ r.json.ok }} auth={{ r.json.auth }} content={{ r.content }}" }
`,
  );
  return runPlaybook(loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry), loadInventory(path.join(dir, 'inv')), {
    check,
    diff: false,
    forks: 1,
    extraVars: {},
    tags: { only: [], skip: [] },
    transport: { connectTimeoutMs: 5000 },
    events: { playStart: () => undefined, taskStart: () => undefined, result: () => undefined },
    stopping: () => false,
  });
}

describe('uri in a playbook', () => {
  it('takes user/password, sends them, and masks the password wherever it shows', async () => {
    const before = hits.length;
    const r = await play(false);
    expect(hits.slice(before)).toEqual(['POST /api']);
    expect(r.results.map((x) => x.status)).toEqual(['ok', 'ok']);
    expect(r.results[1]?.msg).toContain('ok=True auth=admin:********');
    expect(JSON.stringify(r.results)).not.toContain(PASSWORD);
  });

  it('check mode sends nothing; changed_when settles the status and the result stays unknown', async () => {
    const before = hits.length;
    const r = await play(true);
    expect(hits.length).toBe(before);
    expect(r.results.map((x) => x.status)).toEqual(['ok', 'unknown']);
    expect(r.results[0]?.msg).toContain('check mode does not send POST');
  });
});
