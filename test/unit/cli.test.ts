// The command line as a real process, for the commands that contact no host. Tests run concurrently:
// each one is a separate process and they share nothing but a read-only temp inventory.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** What one CLI invocation printed and returned. */
interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node --import tsx engine/index.ts <args>` from the repository root. */
function engine(args: string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'engine', 'index.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Writes `files` into a fresh temp directory and returns its path. */
function tempDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-cli-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

const INVENTORY = `# web servers from a range, a db host, and a parent group
[web]
web[01:03].example.com http_port=8080

[db]
db1 ansible_host=10.0.0.5

[app:children]
web
db

[app:vars]
tier=prod

[lb]
lb-[a:b]
`;

describe.concurrent('engine validate', () => {
  it('accepts the containerd playbook with the kube inventory and lists its hosts (exit 0)', async () => {
    const r = await engine(['validate', 'playbooks/containerd.yml', '-i', 'inventory/kube']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(
      /^play 'Migrate from Docker to containerd': \d+ tasks, 1 handler, 3 hosts \(node1, node2, node3\)\nplaybooks\/containerd\.yml: valid\n$/,
    );
    expect(r.code).toBe(0);
  });

  it('rejects an unknown module argument with file:line:column and an excerpt (exit 4)', async () => {
    const dir = tempDir({
      'play.yml': `- hosts: all
  gather_facts: false
  tasks:
    - name: write a file
      copy:
        dest: /tmp/x
        content: hi
        colour: red
`,
    });
    const file = path.join(dir, 'play.yml');
    const r = await engine(['validate', file]);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toMatch(
      new RegExp(
        `^error: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:8:9: unknown argument 'colour' for module 'copy'; valid: .*\\bcontent\\b`,
      ),
    );
    expect(r.stderr.split('\n').slice(1)).toEqual(['7 |         content: hi', '8 |         colour: red', '  |         ^', '9 | ', '']);
    expect(r.code).toBe(4);
  });
});

describe.concurrent('engine inventory', () => {
  const dir = tempDir({ hosts: INVENTORY });
  const inv = path.join(dir, 'hosts');

  it("--list prints groups, hosts and each host's merged variables as JSON", async () => {
    const r = await engine(['inventory', '-i', inv, '--list']);
    expect(r.code).toBe(0);
    const web = (n: string) => ({ tier: 'prod', http_port: 8080, inventory_hostname: `web0${n}.example.com`, group_names: ['app', 'web'] });
    expect(JSON.parse(r.stdout)).toEqual({
      _meta: {
        hostvars: {
          'web01.example.com': web('1'),
          'web02.example.com': web('2'),
          'web03.example.com': web('3'),
          db1: { tier: 'prod', ansible_host: '10.0.0.5', inventory_hostname: 'db1', group_names: ['app', 'db'] },
          'lb-a': { inventory_hostname: 'lb-a', group_names: ['lb'] },
          'lb-b': { inventory_hostname: 'lb-b', group_names: ['lb'] },
        },
      },
      all: { children: ['ungrouped', 'app', 'lb'] },
      ungrouped: {},
      web: { hosts: ['web01.example.com', 'web02.example.com', 'web03.example.com'] },
      db: { hosts: ['db1'] },
      app: { children: ['web', 'db'] },
      lb: { hosts: ['lb-a', 'lb-b'] },
    });
  });

  it('--graph prints the group tree', async () => {
    const r = await engine(['inventory', '-i', inv, '--graph']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        '@all:',
        '  |--@ungrouped:',
        '  |--@app:',
        '  |  |--@web:',
        '  |  |  |--web01.example.com',
        '  |  |  |--web02.example.com',
        '  |  |  |--web03.example.com',
        '  |  |--@db:',
        '  |  |  |--db1',
        '  |--@lb:',
        '  |  |--lb-a',
        '  |  |--lb-b',
        '',
      ].join('\n'),
    );
  });

  it('--graph GROUP prints the tree under one group', async () => {
    const r = await engine(['inventory', '-i', inv, '--graph', 'app']);
    expect(r.stdout).toBe(
      '@app:\n  |--@web:\n  |  |--web01.example.com\n  |  |--web02.example.com\n  |  |--web03.example.com\n  |--@db:\n  |  |--db1\n',
    );
  });

  it("--host prints one host's variables and rejects a host that is not there (exit 4)", async () => {
    const ok = await engine(['inventory', '-i', inv, '--host', 'db1']);
    expect(JSON.parse(ok.stdout)).toEqual({
      tier: 'prod',
      ansible_host: '10.0.0.5',
      inventory_hostname: 'db1',
      group_names: ['app', 'db'],
    });
    const missing = await engine(['inventory', '-i', inv, '--host', 'db9']);
    expect([missing.code, missing.stderr]).toEqual([4, `error: no host 'db9' in ${inv}\n`]);
  });
});

describe.concurrent('--help', () => {
  const cases: Array<[string, string[], RegExp[]]> = [
    [
      'run',
      ['run', '--help'],
      [
        /^Usage: engine run PLAYBOOK -i INVENTORY/,
        /-C, --check/,
        /-i, --inventory FILE/,
        /-l, --limit PATTERN/,
        /-e, --extra-vars VARS/,
        /--strict/,
        /--report-html FILE {3}write one self-contained HTML page/,
        /--junit FILE {9}write JUnit XML for CI/,
        /Exit codes: 0 all ok/,
      ],
    ],
    [
      'validate',
      ['validate', '--help'],
      [/^Usage: engine validate PLAYBOOK \[-i INVENTORY\]/, /Contacts no host\. Exit 0 if valid, 4 if not\./],
    ],
    [
      'inventory',
      ['inventory', '--help'],
      [/^Usage: engine inventory -i INVENTORY/, /--list {2,}every group/, /--graph {2,}the group tree/, /--host NAME/],
    ],
    ['schema', ['schema', '--help'], [/^Usage: engine schema playbook\|tasks\|inventory \[-o FILE\]/, /for editors/]],
    [
      'lab',
      ['lab', '--help'],
      [/^Usage: engine lab up \[--nodes N\] \[--image clean\|legacy\] \[--name NAME\]/, /engine lab down/, /engine lab status/],
    ],
  ];
  for (const [name, args, patterns] of cases) {
    it(`${name} --help exits 0 and describes its options`, async () => {
      const r = await engine(args);
      expect([r.code, r.stderr]).toEqual([0, '']);
      for (const p of patterns) expect(r.stdout).toMatch(p);
    });
  }

  it('the top-level --help lists the commands', async () => {
    const r = await engine(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout.match(/^ {2}(\w+) /gm)).toEqual([
      '  run ',
      '  validate ',
      '  inventory ',
      '  report ',
      '  schema ',
      '  doc ',
      '  lab ',
    ]);
  });
});

describe.concurrent('engine run', () => {
  it('rejects an unknown option before touching anything (exit 4)', async () => {
    const r = await engine(['run', 'playbooks/containerd.yml', '-i', 'inventory/kube', '--bogus']);
    expect(r).toEqual({ code: 4, stdout: '', stderr: "error: Unknown option '--bogus'\n" });
  });

  it('requires an inventory (exit 4)', async () => {
    const r = await engine(['run', 'playbooks/containerd.yml']);
    expect(r).toEqual({ code: 4, stdout: '', stderr: 'error: an inventory is required: -i INVENTORY\n' });
  });

  it('rejects an unknown command (exit 4)', async () => {
    const r = await engine(['deploy']);
    expect([r.code, r.stderr.split('\n')[0]]).toEqual([4, "unknown command 'deploy'"]);
  });
});
