// Ansible's everyday options of `engine run` (issue #17 item 7): the listings, --start-at-task, the
// connection and become defaults against the inventory and play keywords, -v levels, --step on a
// pseudo-terminal, --syntax-check, --flush-cache and --version. Runs use the local connection, or an
// ssh connection to a closed port of this machine (it fails at once, after -vvvv said what it tried).
import { ed25519Pair } from './support/sshKeys.ts';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Server } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { formatListing } from '../../engine/cli/runListing.ts';
import { becomeDefaultsOf, connectionDefaultsOf, flushCaches, stepPrompt, verbosityOf } from '../../engine/cli/runExtras.ts';
import { runOptions } from '../../engine/cli/run.ts';
import { parseCommand } from '../../engine/cli/args.ts';
import { findStartTask, fnmatch } from '../../engine/executor/startAt.ts';
import { runPlaybook, type RunOptions } from '../../engine/executor/runPlaybook.ts';
import { loadInventory } from '../../engine/inventory/index.ts';
import { loadPlaybook } from '../../engine/playbook/load.ts';
import type { RunReport, TaskResult } from '../../engine/types.ts';
import { moduleRegistry } from '../../modules/index.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FIXTURE = path.join(import.meta.dirname, 'fixtures/playbooks/cli-options');
const ENGINE = [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, 'engine/index.ts')];
// From the sources: these runs neither build nor read the shared engine bundle.
const ENV = { ...process.env, NO_COLOR: '1', FLEETPLAY_BUNDLE: '0' };

/** Runs `engine <args>` in `cwd` with stdin closed. */
function engine(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...ENGINE, ...args], { cwd, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function tempDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-cliopts-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

interface Captured {
  report: RunReport;
  results: TaskResult[];
  details: string[];
}

async function run(playbookFile: string, inventoryFile: string, opts: Partial<RunOptions> = {}): Promise<Captured> {
  const results: TaskResult[] = [];
  const details: string[] = [];
  const report = await runPlaybook(loadPlaybook(playbookFile, moduleRegistry), loadInventory(inventoryFile), {
    check: false,
    diff: false,
    forks: 5,
    extraVars: {},
    tags: { only: [], skip: [] },
    transport: { connectTimeoutMs: 3000, connectRetries: 0 },
    events: {
      playStart: () => undefined,
      taskStart: () => undefined,
      result: (r) => void results.push(r),
      detail: (d) => void details.push(`${d.level} ${d.host} ${d.text}`),
    },
    stopping: () => false,
    ...opts,
  });
  return { report, results, details };
}

/** A local TCP port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('--list-hosts, --list-tasks, --list-tags', () => {
  const playbook = loadPlaybook(path.join(FIXTURE, 'site.yml'), moduleRegistry);
  const inventory = loadInventory(path.join(FIXTURE, 'inv'));
  const all = { tags: { only: [], skip: [] } };

  it('prints the hosts per play in ansible-playbook layout, after --limit', () => {
    expect(formatListing(playbook, 'site.yml', inventory, { hosts: true, tasks: false, tags: false }, all)).toBe(
      `\nplaybook: site.yml\n\n  play #1 (web): Web servers\tTAGS: [webplay]\n    pattern: ['web']\n    hosts (2):\n      web1\n      web2\n` +
        `\n  play #2 (db): Databases\tTAGS: []\n    pattern: ['db']\n    hosts (1):\n      db1\n`,
    );
    const limited = formatListing(
      playbook,
      'site.yml',
      inventory,
      { hosts: true, tasks: false, tags: false },
      { ...all, limit: new Set(['web2']) },
    );
    expect(limited).toContain("    pattern: ['web']\n    hosts (1):\n      web2\n");
    expect(limited).toContain("    pattern: ['db']\n    hosts (0):\n");
  });

  it('lists tasks with their inherited tags, role tasks as `role : name`, never-tagged ones left out', () => {
    const text = formatListing(playbook, 'site.yml', inventory, { hosts: false, tasks: true, tags: false }, all);
    expect(text).toContain(
      '    tasks:\n' +
        '      web : Install the server\tTAGS: [pkg, webplay]\n' +
        '      Configure the site\tTAGS: [always, cfg, webplay]\n' +
        '      Inside a block\tTAGS: [blk, webplay]\n' +
        '      include_tasks\tTAGS: [webplay]\n' +
        '      From the task file\tTAGS: [webplay]\n\n',
    );
    expect(text).toContain('    tasks:\n      Configure the database\tTAGS: [cfg]\n      Start the database\tTAGS: []\n');
    expect(text).not.toContain('debug');
    // --tags narrows the listing as it narrows the run (always stays; never appears when named).
    const cfg = formatListing(
      playbook,
      'site.yml',
      inventory,
      { hosts: false, tasks: true, tags: false },
      { tags: { only: ['debugonly'], skip: [] } },
    );
    expect(cfg).toContain(
      '    tasks:\n      Configure the site\tTAGS: [always, cfg, webplay]\n      debug\tTAGS: [debugonly, never, webplay]\n',
    );
    expect(cfg).toContain('  play #2 (db): Databases\tTAGS: []\n    tasks:\n');
  });

  it('prints each play TASK TAGS', () => {
    const text = formatListing(playbook, 'site.yml', inventory, { hosts: false, tasks: false, tags: true }, all);
    expect(text).toBe(
      '\nplaybook: site.yml\n\n  play #1 (web): Web servers\tTAGS: [webplay]\n      TASK TAGS: [always, blk, cfg, pkg, webplay]\n' +
        '\n  play #2 (db): Databases\tTAGS: []\n      TASK TAGS: [cfg]\n',
    );
  });

  it('through the command line: exit 0, nothing run', async () => {
    const r = await engine(['run', 'site.yml', '-i', 'inv', '--list-tasks', '--list-hosts'], FIXTURE);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      '    hosts (2):\n      web1\n      web2\n    tasks:\n      web : Install the server\tTAGS: [pkg, webplay]\n',
    );
    expect(r.stdout).not.toContain('PLAY RECAP');
  });
});

describe('--start-at-task', () => {
  const site = path.join(FIXTURE, 'site.yml');
  const inv = path.join(FIXTURE, 'inv');

  it('matches names as Python fnmatch does', () => {
    expect(fnmatch('Configure the site', 'Configure*')).toBe(true);
    expect(fnmatch('Configure the site', 'configure*')).toBe(false);
    expect(fnmatch('Configure the site', 'Configure')).toBe(false);
    expect(fnmatch('task 7', 'task [0-9]')).toBe(true);
    expect(fnmatch('task x', 'task [!0-9]')).toBe(true);
    expect(fnmatch('a.b', 'a?b')).toBe(true);
    expect(fnmatch('a(b', 'a(b')).toBe(true);
  });

  it('finds the first matching task, by name, glob or `role : name`; an unknown name is an argument error', () => {
    const playbook = loadPlaybook(site, moduleRegistry);
    expect(findStartTask(playbook, 'Start the database')).toMatchObject({ play: 1, task: { name: 'Start the database' } });
    expect(findStartTask(playbook, 'Configure*')).toMatchObject({ play: 0, task: { name: 'Configure the site' } });
    expect(findStartTask(playbook, 'web : Install*')).toMatchObject({ play: 0, task: { name: 'Install the server' } });
    expect(findStartTask(playbook, 'From the task file').task.name).toBe('From the task file');
    expect(() => findStartTask(playbook, 'Nothing like it')).toThrow(/no task matches 'Nothing like it'/);
  });

  it('skips the tasks before it (and the plays before its play), then runs the rest', async () => {
    const inBlock = await run(site, inv, { startAtTask: 'Inside a block' });
    expect(inBlock.results.filter((r) => r.host === 'web1').map((r) => r.task)).toEqual([
      'Inside a block',
      'include_tasks',
      'From the task file',
    ]);
    expect(inBlock.results.filter((r) => r.host === 'db1').map((r) => r.task)).toEqual(['Configure the database', 'Start the database']);
    const later = await run(site, inv, { startAtTask: 'Start*' });
    expect(later.results.map((r) => `${r.host}:${r.task}`)).toEqual(['db1:Start the database']);
    await expect(run(site, inv, { startAtTask: 'nope' })).rejects.toThrow(/--start-at-task/);
  });

  it('skips to it again in each rolling batch', async () => {
    const dir = tempDir({
      inv: '[all]\na ansible_connection=local\nb ansible_connection=local\n',
      'play.yml':
        '- hosts: all\n  gather_facts: false\n  serial: 1\n  tasks:\n    - name: one\n      debug: { msg: 1 }\n    - name: two\n      debug: { msg: 2 }\n',
    });
    const r = await run(path.join(dir, 'play.yml'), path.join(dir, 'inv'), { startAtTask: 'two' });
    expect(r.results.map((x) => `${x.host}:${x.task}`)).toEqual(['a:two', 'b:two']);
  });
});

describe('connection and become defaults', () => {
  const parse = (...args: string[]) => parseCommand(['play.yml', ...args], runOptions);

  it('reads -u, --private-key, -c, -b, --become-user, --become-method and counts -v', () => {
    expect(connectionDefaultsOf(parse('-u', 'ops', '-c', 'smart', '--private-key', path.join(FIXTURE, 'inv')))).toEqual({
      user: 'ops',
      connection: 'smart',
      privateKeyFile: path.join(FIXTURE, 'inv'),
    });
    expect(connectionDefaultsOf(parse())).toBeUndefined();
    expect(() => connectionDefaultsOf(parse('-c', 'paramiko'))).toThrow(/--connection paramiko/);
    expect(() => connectionDefaultsOf(parse('--private-key', '/nonexistent/key'))).toThrow(/no such file/);
    expect(becomeDefaultsOf(parse('-b', '--become-user', 'app', '--become-method', 'su'))).toEqual({
      become: true,
      user: 'app',
      method: 'su',
    });
    expect(becomeDefaultsOf(parse())).toBeUndefined();
    expect(() => becomeDefaultsOf(parse('--become-method', 'doas'))).toThrow(/--become-method doas/);
    expect([parse(), parse('-v'), parse('-vvv'), parse('-vv', '-vv'), parse('--verbose')].map(verbosityOf)).toEqual([0, 1, 3, 4, 1]);
  });

  it('-u, --private-key and -c are below the inventory variables', async () => {
    const port = await closedPort();
    const dir = tempDir({ 'cli.key': 'not a key', 'inv.key': 'not a key either' });
    writeFileSync(
      path.join(dir, 'inv'),
      `[all:vars]\nansible_host=127.0.0.1\nansible_port=${port}\n\n[all]\n` +
        `own ansible_user=invuser ansible_ssh_private_key_file=${dir}/inv.key\n` +
        'old ansible_ssh_user=olduser\n' +
        'plain\n' +
        'local1 ansible_connection=local\n' +
        'sshy ansible_connection=ssh\n',
    );
    writeFileSync(path.join(dir, 'play.yml'), '- hosts: all\n  gather_facts: false\n  tasks:\n    - command: "true"\n');
    const opts: Partial<RunOptions> = {
      verbosity: 4,
      connectionDefaults: { user: 'cliuser', privateKeyFile: `${dir}/cli.key` },
      transport: { connectTimeoutMs: 3000, connectRetries: 0, hostKeys: { byHost: new Map(), warnings: [] } },
    };
    const r = await run(path.join(dir, 'play.yml'), path.join(dir, 'inv'), opts);
    const ssh = (host: string) => r.details.find((d) => d.startsWith(`4 ${host} ssh `));
    expect(ssh('own')).toContain(`ssh invuser@127.0.0.1:${port}, key ${dir}/inv.key`);
    expect(ssh('old')).toContain(`ssh olduser@127.0.0.1:${port}, key ${dir}/cli.key`);
    expect(ssh('plain')).toContain(`ssh cliuser@127.0.0.1:${port}, key ${dir}/cli.key`);
    expect(r.details).toContain(`4 plain connecting to 127.0.0.1:${port} as cliuser (timeout 3000 ms)`);
    expect(r.details).toContain('4 local1 local connection: commands run on the controller');
    expect(r.report.recap.plain?.unreachable).toBe(1);
    expect(r.report.recap.local1?.ok).toBe(1);

    // -c local: every host without its own ansible_connection runs on the controller; the inventory's ssh wins.
    const local = await run(path.join(dir, 'play.yml'), path.join(dir, 'inv'), { ...opts, connectionDefaults: { connection: 'local' } });
    expect(local.details).toContain('4 plain local connection: commands run on the controller');
    expect(local.details.some((d) => d.startsWith(`4 sshy ssh `))).toBe(true);
    expect(local.report.recap.plain?.ok).toBe(1);
    expect(local.report.recap.sshy?.unreachable).toBe(1);
  });

  it('-b, --become-user and --become-method are below play and task keywords and the become variables', async () => {
    const dir = tempDir({
      inv: '[all]\nh1 ansible_connection=local\nh2 ansible_connection=local ansible_become_user=varuser\nh3 ansible_connection=local ansible_become=false\n',
      'play.yml': `- name: keyword off
  hosts: h1
  gather_facts: false
  become: false
  tasks:
    - command: echo off
      ignore_errors: true
- name: no keyword
  hosts: all
  gather_facts: false
  tasks:
    - command: echo default
      ignore_errors: true
    - command: echo task-user
      become_user: taskuser
      become_method: sudo
      ignore_errors: true
`,
    });
    const r = await run(path.join(dir, 'play.yml'), path.join(dir, 'inv'), {
      verbosity: 3,
      becomeDefaults: { become: true, user: 'cliuser', method: 'su' },
    });
    const exec = r.details.filter((d) => d.startsWith('3 ') && d.includes('EXEC'));
    expect(exec).toContain('3 h1 EXEC: echo off');
    expect(exec).toContain('3 h1 EXEC (become cliuser via su): echo default');
    expect(exec).toContain('3 h2 EXEC (become varuser via su): echo default');
    expect(exec).toContain('3 h3 EXEC: echo default');
    expect(exec).toContain('3 h1 EXEC (become taskuser via sudo): echo task-user');
    // Without the defaults nothing becomes anyone.
    const plain = await run(path.join(dir, 'play.yml'), path.join(dir, 'inv'), { verbosity: 3 });
    expect(plain.details.filter((d) => d.includes('become'))).toEqual([]);
  });
});

/** An ssh2 server that runs each exec under /bin/sh here, accepting any login (as in test/unit/become.test.ts). */
async function shellServer(): Promise<{ port: number; close: () => void }> {
  const hostKey = ed25519Pair().private;
  const server = new Server({ hostKeys: [hostKey] }, (client) => {
    client.on('error', () => undefined).on('authentication', (ctx) => ctx.accept());
    client.on('session', (accept) => {
      accept().on('exec', (acceptExec, _reject, info) => {
        const channel = acceptExec();
        const child = spawn('/bin/sh', ['-c', info.command]);
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
  return { port: (server.address() as { port: number }).port, close: () => server.close() };
}

describe('-vvvv over ssh', () => {
  it('tells the address, port, user and key, each login, and the host key outcome; never the password', async () => {
    const server = await shellServer();
    try {
      const dir = tempDir({ known_hosts: '', 'play.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - command: echo over-ssh\n' });
      writeFileSync(
        path.join(dir, 'inv'),
        `h ansible_host=127.0.0.1 ansible_port=${server.port} ansible_user=ops ansible_password=pw-never-shown ansible_ssh_known_hosts_file=${dir}/known_hosts\n`,
      );
      const transport = (policy: 'accept-new' | 'strict'): RunOptions['transport'] => ({
        connectTimeoutMs: 5000,
        connectRetries: 0,
        hostKeys: { byHost: new Map([['h', policy]]), warnings: [] },
      });
      const first = await run(path.join(dir, 'play.yml'), path.join(dir, 'inv'), { verbosity: 4, transport: transport('accept-new') });
      expect(first.report.recap.h?.changed).toBe(1);
      const d = first.details.filter((x) => x.startsWith('4 h '));
      expect(d[0]).toMatch(new RegExp(`^4 h ssh ops@127\\.0\\.0\\.1:${server.port}, key .*, password, known_hosts ${dir}/known_hosts$`));
      expect(d).toContain(`4 h connecting to 127.0.0.1:${server.port} as ops (timeout 5000 ms)`);
      expect(d.some((x) => /^4 h host key SHA256:\S+: unknown in known_hosts \(policy accept-new\)$/.test(x))).toBe(true);
      expect(d).toContain(`4 h logged in to 127.0.0.1:${server.port} as ops`);
      expect(first.details.join('\n')).not.toContain('pw-never-shown');
      // The key recorded by the first run matches in the second.
      const second = await run(path.join(dir, 'play.yml'), path.join(dir, 'inv'), { verbosity: 4, transport: transport('strict') });
      expect(second.details.some((x) => /^4 h host key SHA256:\S+: match in known_hosts \(policy strict\)$/.test(x))).toBe(true);
      // Below -vvvv none of it.
      const quieter = await run(path.join(dir, 'play.yml'), path.join(dir, 'inv'), { verbosity: 3, transport: transport('strict') });
      expect(quieter.details.filter((x) => x.startsWith('4 '))).toEqual([]);
      expect(quieter.details.some((x) => x.startsWith('3 h EXEC: echo over-ssh'))).toBe(true);
    } finally {
      server.close();
    }
  }, 30_000);
});

describe('-v levels', () => {
  const dir = tempDir({
    inv: '[local]\nlocalhost ansible_connection=local\n',
    'play.yml': `- hosts: local
  gather_facts: false
  vars:
    db_password: hunter2-very-secret
  tasks:
    - name: Say hello
      command: echo hello
    - name: Use the secret
      command: echo {{ db_password }}
`,
  });
  const levels = ['', '-v', '-vv', '-vvv', '-vvvv'];

  it('each level adds its details, and the secret stays redacted at every one', async () => {
    const outs = await Promise.all(levels.map((v) => engine(['run', 'play.yml', '-i', 'inv', ...(v ? [v] : [])], dir)));
    for (const o of outs) {
      expect(o.code).toBe(0);
      expect(o.stdout + o.stderr).not.toContain('hunter2');
    }
    const has = (text: string) => outs.map((o) => o.stdout.includes(text));
    expect(has('      rc: 0\n')).toEqual([false, true, true, true, true]);
    expect(has('      stdout: hello\n')).toEqual([false, true, true, true, true]);
    expect(has('      stdout: ********\n')).toEqual([false, true, true, true, true]);
    expect(has('  <localhost> variables from: inv (host localhost)')).toEqual([false, false, true, true, true]);
    expect(has('  <localhost> EXEC: echo hello\n')).toEqual([false, false, false, true, true]);
    expect(has('  <localhost> EXEC: echo ********\n')).toEqual([false, false, false, true, true]);
    expect(has('  <localhost> local connection: commands run on the controller')).toEqual([false, false, false, false, true]);
  }, 60_000);

  it('no_log hides the data at every level', async () => {
    const d = tempDir({
      inv: '[local]\nlocalhost ansible_connection=local\n',
      'play.yml':
        '- hosts: local\n  gather_facts: false\n  tasks:\n    - command: echo quiet-words\n      no_log: true\n    - command: echo loud-words\n',
    });
    const o = await engine(['run', 'play.yml', '-i', 'inv', '-vvv'], d);
    expect(o.code).toBe(0);
    expect(o.stdout).not.toContain('quiet-words');
    // Only the second task's data is shown.
    expect(o.stdout.match(/rc: 0/g)).toHaveLength(1);
    expect(o.stdout).toContain('  <localhost> EXEC: (not shown: a no_log task is running)');
    expect(o.stdout).toContain('  <localhost> EXEC: echo loud-words');
  }, 30_000);
});

describe('--step', () => {
  const dir = tempDir({
    inv: '[local]\nlocalhost ansible_connection=local\n',
    'play.yml':
      '- hosts: local\n  gather_facts: false\n  tasks:\n' +
      ['one', 'two', 'three', 'four'].map((t) => `    - name: Task ${t}\n      command: echo ran-${t}\n`).join(''),
  });

  it('asks before each task on a terminal: yes runs, no skips, continue runs the rest unasked', () => {
    const command = [process.execPath, ...ENGINE, 'run', 'play.yml', '-i', 'inv', '--step'].join(' ');
    const r = spawnSync('script', ['-qfec', command, '/dev/null'], {
      cwd: dir,
      input: 'y\nn\nc\n',
      encoding: 'utf8',
      env: { ...ENV, TERM: 'xterm' },
    });
    const out = r.stdout;
    expect(out).toContain('Perform task: Task one (N)o/(y)es/(c)ontinue: ');
    expect(out).toContain('Perform task: Task two (N)o/(y)es/(c)ontinue: ');
    expect(out).toContain('Perform task: Task three (N)o/(y)es/(c)ontinue: ');
    expect(out).not.toContain('Perform task: Task four');
    expect(out).toContain('ran-one');
    expect(out).not.toContain('ran-two');
    expect(out).not.toContain('TASK [Task two]');
    expect(out).toContain('ran-three');
    expect(out).toContain('ran-four');
    expect(out).toMatch(/localhost : ok=3 /);
  }, 30_000);

  it('without a terminal: a clear error, exit 4, nothing run', async () => {
    const r = await engine(['run', 'play.yml', '-i', 'inv', '--step'], dir);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('--step asks before each task and needs a terminal');
    expect(r.stdout).not.toContain('PLAY');
    expect(() => stepPrompt({ isTTY: false } as NodeJS.ReadStream)).toThrow(/needs a terminal/);
  }, 30_000);
});

describe('--syntax-check, --version, --flush-cache', () => {
  it('--syntax-check validates only: 0 when valid, 4 when not, no host contacted', async () => {
    const ok = await engine(['run', 'site.yml', '-i', 'inv', '--syntax-check'], FIXTURE);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('site.yml: valid');
    expect(ok.stdout).not.toContain('PLAY');
    const dir = tempDir({
      'bad.yml': '- hosts: all\n  tasks:\n    - copy: { dest: /tmp/x, bogus_arg: 1 }\n',
      inv: 'h ansible_host=192.0.2.1\n',
    });
    const bad = await engine(['run', 'bad.yml', '-i', 'inv', '--syntax-check'], dir);
    expect(bad.code).toBe(4);
    expect(bad.stderr).toMatch(/bad\.yml:3/);
  }, 30_000);

  it('run --version prints the version', async () => {
    const r = await engine(['run', '--version'], ROOT);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^fleetplay \d+\.\d+\.\d+\S* \(Node \d+/);
  }, 30_000);

  it('--flush-cache removes the cache folders it names, and only under .cache/fleetplay', () => {
    const base = mkdtempSync(path.join(os.tmpdir(), 'fp-flush-'));
    const validators = path.join(base, '.cache', 'fleetplay', 'validators');
    const bundle = path.join(base, '.cache', 'fleetplay', 'engine');
    const elsewhere = path.join(base, 'precious');
    for (const d of [validators, bundle, elsewhere]) mkdirSync(d, { recursive: true });
    writeFileSync(path.join(validators, 'v.js'), 'x');
    const said = flushCaches([
      { what: 'validators', dir: validators },
      { what: 'bundle', dir: bundle },
      { what: 'not a cache', dir: elsewhere },
    ]);
    expect(existsSync(validators)).toBe(false);
    expect(existsSync(bundle)).toBe(false);
    expect(existsSync(elsewhere)).toBe(true);
    expect(said).toContain(`validators (${validators}), bundle (${bundle})`);
    expect(said).toContain('there is no facts cache');
    expect(flushCaches([{ what: 'validators', dir: validators }])).toContain('cleared nothing to clear');
  });
});
