// remote_user: the task logs in as that user (task over block over play), one session per (host, user);
// an ansible_user variable wins over the keyword, as Ansible's precedence puts variables above keywords.
// Against an in-process ssh2 server that runs each command with the login user in FP_LOGIN.
import { ed25519Pair } from './support/sshKeys.ts';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Server } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserPool } from '../../engine/connection/userPool.ts';
import { runPlaybook } from '../../engine/executor/runPlaybook.ts';
import { remoteUserFor } from '../../engine/executor/remoteUser.ts';
import { loadInventory } from '../../engine/inventory/index.ts';
import { loadPlaybook } from '../../engine/playbook/load.ts';
import type { Connection, ExecOptions, RunReport, TaskResult } from '../../engine/types.ts';
import { moduleRegistry } from '../../modules/index.ts';

let server: Server;
let port: number;
const logins: string[] = [];

beforeAll(async () => {
  const hostKey = ed25519Pair().private;
  server = new Server({ hostKeys: [hostKey] }, (client) => {
    let user = '';
    client
      .on('error', () => undefined)
      .on('authentication', (ctx) => {
        user = ctx.username;
        ctx.accept();
      });
    client.on('ready', () => void logins.push(user));
    client.on('session', (accept) => {
      accept().on('exec', (acceptExec, _reject, info) => {
        const channel = acceptExec();
        const child = spawn('/bin/sh', ['-c', info.command], { env: { ...process.env, FP_LOGIN: user } });
        channel.pipe(child.stdin);
        child.stdin.on('error', () => undefined);
        child.stdout.pipe(channel, { end: false });
        child.stderr.on('data', (d: Buffer) => channel.stderr.write(d));
        child.on('close', (code) => {
          channel.exit(code ?? 255);
          channel.end();
        });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(() => void server.close());

async function run(playbook: string, hostVars = ''): Promise<{ report: RunReport; results: TaskResult[] }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-remote-user-'));
  writeFileSync(path.join(dir, 'known_hosts'), '');
  writeFileSync(
    path.join(dir, 'inv'),
    `h ansible_host=127.0.0.1 ansible_port=${port} ansible_password=pw ansible_ssh_known_hosts_file=${dir}/known_hosts ${hostVars}\n`,
  );
  writeFileSync(path.join(dir, 'play.yml'), playbook);
  const results: TaskResult[] = [];
  const report = await runPlaybook(loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry), loadInventory(path.join(dir, 'inv')), {
    check: false,
    diff: false,
    forks: 5,
    extraVars: {},
    tags: { only: [], skip: [] },
    transport: { connectTimeoutMs: 5000, connectRetries: 0, hostKeys: { byHost: new Map([['h', 'accept-new']]), warnings: [] } },
    events: { playStart: () => undefined, taskStart: () => undefined, result: (r) => void results.push(r) },
    stopping: () => false,
  });
  return { report, results };
}

const PLAY = `- hosts: h
  gather_facts: true
  gather_subset: [min]
  remote_user: playuser
  vars: { block_user: blockuser }
  tasks:
    - shell: echo "$FP_LOGIN"
      register: by_play
    - shell: echo "$FP_LOGIN"
      remote_user: taskuser
      register: by_task
    - block:
        - shell: echo "$FP_LOGIN"
          register: by_block
        - shell: echo "$FP_LOGIN"
          remote_user: taskuser
          register: by_task_in_block
      remote_user: "{{ block_user }}"
    - assert:
        that:
          - by_play.stdout == 'playuser'
          - by_task.stdout == 'taskuser'
          - by_block.stdout == 'blockuser'
          - by_task_in_block.stdout == 'taskuser'
`;

describe('remote_user', () => {
  it('logs in as the task’s, block’s or play’s remote_user, once per user', async () => {
    logins.length = 0;
    const { report, results } = await run(PLAY);
    expect(results.filter((r) => r.status === 'failed').map((r) => r.msg)).toEqual([]);
    expect(report.recap.h).toMatchObject({ failed: 0, ok: 6 });
    // Facts gathered as the play's user; no login as the local user; one session per user.
    expect([...logins].sort()).toEqual(['blockuser', 'playuser', 'taskuser']);
  }, 30_000);

  it('an ansible_user variable wins over the keyword (Ansible: variables over playbook keywords)', async () => {
    logins.length = 0;
    const { report } = await run(
      PLAY.replace("by_play.stdout == 'playuser'", "by_play.stdout == 'inv'").replace(/'(task|block)user'/g, "'inv'"),
      'ansible_user=inv',
    );
    expect(report.recap.h).toMatchObject({ failed: 0, ok: 6 });
    expect(logins).toEqual(['inv']);
  }, 30_000);
});

describe('remoteUserFor', () => {
  const at = { file: 'play.yml', line: 3, column: 5 };
  it('renders the keyword; ansible_user, then ansible_ssh_user, win over it', () => {
    expect(remoteUserFor({ value: '{{ u }}', location: at }, { u: 'bob' })).toBe('bob');
    expect(remoteUserFor({ value: 'bob', location: at }, { ansible_user: 'inv', ansible_ssh_user: 'old' })).toBe('inv');
    expect(remoteUserFor({ value: 'bob', location: at }, { ansible_ssh_user: 'old' })).toBe('old');
    expect(remoteUserFor(undefined, {})).toBeUndefined();
    expect(() => remoteUserFor({ value: '{{ u }}', location: at }, { u: '' })).toThrow(/play\.yml:3:5|empty user name/);
  });
});

describe('UserPool', () => {
  function fake(name: string, log: string[]): Connection {
    return {
      host: 'h',
      exec: async (command: string) => {
        log.push(`${name}: ${command}`);
        return { stdout: name, stderr: '', exitCode: 0, durationMs: 0, timedOut: false };
      },
      close: async () => void log.push(`${name}: close`),
    };
  }
  it('routes each command to its user’s session, opened once; the connection’s own user stays on the main one', async () => {
    const log: string[] = [];
    const opened: string[] = [];
    const pool = new UserPool(fake('main', log), 'root', (u) => {
      opened.push(u);
      return fake(u, log);
    });
    const as = (remoteUser?: string): ExecOptions => (remoteUser ? { remoteUser } : {});
    expect((await pool.exec('a', as())).stdout).toBe('main');
    expect((await pool.exec('b', as('root'))).stdout).toBe('main');
    expect((await pool.exec('c', as('bob'))).stdout).toBe('bob');
    expect((await pool.exec('d', as('bob'))).stdout).toBe('bob');
    expect(opened).toEqual(['bob']);
    await pool.close();
    expect(log).toEqual(['main: a', 'main: b', 'bob: c', 'bob: d', 'main: close', 'bob: close']);
  });
});

describe('become_user as a template', () => {
  it('is rendered with the task’s variables', async () => {
    const { becomeSettings } = await import('../../engine/executor/becomeSettings.ts');
    const task = { becomeUser: '{{ app_user }}', become: true, location: { file: 'play.yml', line: 2, column: 3 } };
    const settings = becomeSettings(task as never, { vars: [], when: [], tags: [] } as never, {} as never, { app_user: 'nobody' });
    expect(settings).toMatchObject({ enabled: true, user: 'nobody' });
    const plain = becomeSettings({ ...task, becomeUser: 'daemon' } as never, { vars: [], when: [], tags: [] } as never, {} as never, {});
    expect(plain).toMatchObject({ user: 'daemon' });
  });
});
