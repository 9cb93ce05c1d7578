// End-to-end: Ansible's arguments of get_url (credentials, headers, agent, proxy, tmp_dest), unarchive
// (exclude, mode, owner, list_files from a URL) and systemd/service (name's aliases, no_block, force,
// scope: user and global, daemon_reexec) on one clean lab node. An HTTP server in this process (127.0.0.1, which
// the node shares) asks for credentials and a header. --check predicts the real run, which then does it;
// a second run changes nothing. The password never shows in the output.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, type LabState } from '../../lab/index.ts';
import { bootLab, engine, labInventory, onNode, tmpDir, type Report } from './support.ts';

const LAB = 'fetchargs';
const DIR = '/opt/fp-args';
const PASSWORD = 's3cr3t pass';
let lab: LabState;
let node: string;
let inventory: string;
let playbook: string;
let server: http.Server;
const seen: Array<{ method: string; url: string; auth?: string; agent?: string; token?: string }> = [];
const cacheDir = tmpDir();
let archive: Buffer;

const sh = (command: string) => onNode(lab, node, command);
const statuses = (r: Report | undefined) => r?.results.map((x) => [x.task, x.status]);

function playbookText(base: string, sha: string): string {
  return `- name: Ansible's arguments of get_url, unarchive and systemd
  hosts: all
  gather_facts: false
  tasks:
    - name: download directory
      file: { path: ${DIR}/tmp, state: directory, mode: '0755' }
    - name: archive behind basic auth
      get_url:
        url: ${base}/auth/app.tar.gz
        dest: ${DIR}/app.tar.gz
        username: admin
        password: "${PASSWORD}"
        checksum: sha256:${sha}
        tmp_dest: ${DIR}/tmp
        mode: '0640'
        group: daemon
    - name: notes that need a header
      get_url:
        url: ${base}/hdr/notes.txt
        dest: ${DIR}/notes.txt
        headers: { X-Token: abc }
        http_agent: fleetplay-e2e
        use_proxy: false
    - name: unpack without the logs
      unarchive:
        src: ${base}/pub/app.tar.gz
        dest: ${DIR}
        remote_src: true
        exclude: ['*.log']
        mode: '0750'
        owner: daemon
        list_files: true
    - name: a system unit
      copy:
        dest: /etc/systemd/system/fp-args.service
        content: "[Service]\\nExecStart=/bin/sleep infinity\\n[Install]\\nWantedBy=multi-user.target\\n"
    - name: start it through service and name's alias
      service:
        unit: fp-args
        state: started
        enabled: true
        no_block: true
        force: true
    - name: a unit for every user
      copy:
        dest: /etc/systemd/user/fp-args-user.service
        content: "[Service]\\nExecStart=/bin/true\\n[Install]\\nWantedBy=default.target\\n"
    - name: enable it for every user
      systemd: { service: fp-args-user, scope: global, enabled: true }
    - name: re-execute systemd only if it runs replaced files
      systemd: { daemon_reexec: true }
    - name: a unit of root's own manager
      copy:
        dest: /root/.config/systemd/user/fp-args-mine.service
        content: "[Service]\\nExecStart=/bin/sleep infinity\\n[Install]\\nWantedBy=default.target\\n"
    - name: start it in the user scope
      systemd: { name: fp-args-mine, scope: user, state: started, enabled: true }
`;
}

beforeAll(async () => {
  const src = path.join(tmpDir(), 'src');
  mkdirSync(path.join(src, 'app', 'docs'), { recursive: true });
  writeFileSync(path.join(src, 'app', 'run'), 'run v1\n', { mode: 0o755 });
  writeFileSync(path.join(src, 'app', 'docs', 'README'), 'read me\n');
  writeFileSync(path.join(src, 'app', 'debug.log'), 'noise\n');
  const file = path.join(tmpDir(), 'app.tar.gz');
  execFileSync('tar', ['-czf', file, '-C', src, 'app']);
  archive = readFileSync(file);
  const basic = `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`;
  server = http.createServer((req, res) => {
    const h = req.headers;
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      ...(h.authorization ? { auth: h.authorization } : {}),
      ...(h['user-agent'] ? { agent: h['user-agent'] } : {}),
      ...(typeof h['x-token'] === 'string' ? { token: h['x-token'] } : {}),
    });
    if (req.url === '/auth/app.tar.gz') {
      if (h.authorization === basic) res.writeHead(200).end(archive);
      else res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="lab"' }).end();
    } else if (req.url === '/hdr/notes.txt') {
      if (h['x-token'] === 'abc') res.writeHead(200).end('notes\n');
      else res.writeHead(403).end();
    } else if (req.url === '/pub/app.tar.gz') res.writeHead(200).end(archive);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await labDown({ name: LAB }); // a fresh node: these tests change it
  lab = await bootLab(LAB, 1, 'clean', 19);
  node = lab.nodes[0]!.name;
  // root's own manager (scope: user). The clean image has no pam_systemd to give it XDG_RUNTIME_DIR, so a
  // drop-in does; systemctl --user then reaches it on its private socket (no user D-Bus either).
  const userManager = sh(
    "mkdir -p /etc/systemd/system/user@0.service.d /root/.config/systemd/user && printf '[Service]\\nEnvironment=XDG_RUNTIME_DIR=/run/user/0\\n' > /etc/systemd/system/user@0.service.d/fp-runtime.conf && systemctl daemon-reload && systemctl start user@0.service",
  );
  expect(userManager.code, userManager.stderr).toBe(0);
  inventory = labInventory(lab);
  playbook = path.join(tmpDir(), 'fetch-args.yml');
  writeFileSync(playbook, playbookText(base, createHash('sha256').update(archive).digest('hex')));
}, 600_000);

afterAll(async () => {
  server?.close();
  if (lab) await labDown({ name: LAB });
});

const run = (extra: string[] = []) =>
  engine(['run', playbook, '-i', inventory, ...extra], { withReport: true, env: { FLEETPLAY_CACHE_DIR: cacheDir } });

describe("get_url, unarchive and systemd with Ansible's arguments on a lab node", () => {
  it('--check predicts the real run, which does it; a second run changes nothing; the password never shows', async () => {
    const check = await run(['--check', '--diff']);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    const expected = [
      ['download directory', 'changed'],
      ['archive behind basic auth', 'changed'],
      ['notes that need a header', 'changed'],
      ['unpack without the logs', 'changed'],
      ['a system unit', 'changed'],
      ["start it through service and name's alias", 'changed'],
      ['a unit for every user', 'changed'],
      ['enable it for every user', 'changed'],
      ['re-execute systemd only if it runs replaced files', 'ok'],
      ["a unit of root's own manager", 'changed'],
      ['start it in the user scope', 'changed'],
    ];
    expect(statuses(check.report)).toEqual(expected);
    expect(sh(`ls ${DIR} 2>/dev/null | wc -l`).stdout.trim()).toBe('0');

    const real = await run();
    expect(real.code, real.stdout + real.stderr).toBe(0);
    expect(statuses(real.report)).toEqual(expected);
    for (const out of [check.stdout, check.stderr, real.stdout, real.stderr]) expect(out).not.toContain(PASSWORD);

    // get_url: the archive through the credentials (first asked without them, as urllib does), with its attributes.
    const sha = createHash('sha256').update(archive).digest('hex');
    expect(sh(`sha256sum < ${DIR}/app.tar.gz; stat -c '%a %G' ${DIR}/app.tar.gz; ls -A ${DIR}/tmp`).stdout).toBe(`${sha}  -\n640 daemon\n`);
    const gets = seen.filter((s) => s.method === 'GET' && s.url === '/auth/app.tar.gz');
    expect(gets.some((s) => s.auth === undefined) && gets.some((s) => s.auth?.startsWith('Basic '))).toBe(true);
    expect(sh(`cat ${DIR}/notes.txt`).stdout).toBe('notes\n');
    expect(seen.filter((s) => s.url === '/hdr/notes.txt').every((s) => s.token === 'abc' && s.agent === 'fleetplay-e2e')).toBe(true);
    // unarchive: no logs, mode and owner on every member, the member list registered.
    expect(sh(`cd ${DIR} && find app | sort | xargs stat -c '%n %a %U'`).stdout).toBe(
      'app 750 daemon\napp/docs 750 daemon\napp/docs/README 750 daemon\napp/run 750 daemon\n',
    );
    const unpack = real.report?.results.find((r) => r.task === 'unpack without the logs');
    expect(JSON.stringify(unpack)).toContain('app/docs/README');
    // systemd: started and enabled; the global enablement link for every user.
    expect(sh('systemctl is-active fp-args; systemctl is-enabled fp-args').stdout).toBe('active\nenabled\n');
    expect(sh('readlink /etc/systemd/user/default.target.wants/fp-args-user.service').stdout.trim()).toBe(
      '/etc/systemd/user/fp-args-user.service',
    );

    expect(
      sh(
        'XDG_RUNTIME_DIR=/run/user/0 systemctl --user is-active fp-args-mine; XDG_RUNTIME_DIR=/run/user/0 systemctl --user is-enabled fp-args-mine',
      ).stdout,
    ).toBe('active\nenabled\n');
    // Not the system unit of that name.
    expect(sh('systemctl is-active fp-args-mine').stdout.trim()).not.toBe('active');

    const again = await run();
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.report?.results.map((r) => r.status)).toEqual(expected.map(() => 'ok'));
    const checkAgain = await run(['--check']);
    expect(checkAgain.report?.results.map((r) => r.status)).toEqual(expected.map(() => 'ok'));
  }, 300_000);
});
