// End-to-end: apt, lineinfile and replace on two real legacy nodes (docker.io, containerd and runc installed).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, type LabState } from '../../lab/index.ts';
import { bootLab, engine, labInventory, onNode, type Report } from './support.ts';

const DIR = 'test/e2e/playbooks/apt-lines';
const LAB = 'aptl';
let lab: LabState;
let inventory: string;

beforeAll(async () => {
  // Start from fresh nodes: these tests remove and install packages.
  await labDown({ name: LAB });
  lab = await bootLab(LAB, 2, 'legacy', 31);
  inventory = labInventory(lab);
});

afterAll(async () => {
  await labDown({ name: LAB });
});

const sh = (node: string, cmd: string): string => onNode(lab, node, cmd).stdout;
const nodes = (): string[] => lab.nodes.map((n) => n.name);
/** Every package dpkg knows on a node, one "name status version" line each. */
const dpkgAll = (node: string): string => sh(node, "dpkg-query -W -f='${binary:Package} ${Status} ${Version}\\n' | sort");
/** Names in the first "<verb> N package(s): a, b, c" part of a message. */
const namesIn = (msg: string, verb: string): string[] => new RegExp(`${verb} \\d+ packages?: ([^;]+)`).exec(msg)?.[1]?.split(', ') ?? [];
const run = (playbook: string, ...extra: string[]) =>
  engine(['run', `${DIR}/${playbook}`, '-i', inventory, ...extra], { withReport: true });
const resultsOf = (report: Report | undefined, task: string) => (report?.results ?? []).filter((r) => r.task === task);

describe('apt on legacy nodes', () => {
  it('state: absent on a package that is not installed, and on an unknown name, is ok with 0 changed', async () => {
    const r = await run('absent-noop.yml');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    for (const n of nodes()) expect(r.report!.recap[n]).toMatchObject({ ok: 2, changed: 0, failed: 0 });
    for (const res of resultsOf(r.report, 'Remove a package nobody knows')) {
      expect(res.msg).toBe('not installed: no-such-package-xyz (unknown to dpkg), hello (unknown to dpkg)');
    }
  });

  let planned: Record<string, string[]> = {};
  const before: Record<string, string> = {};

  it('--check names exactly the packages the removal would take, autoremoved ones included, and changes nothing', async () => {
    for (const n of nodes()) before[n] = dpkgAll(n);
    const r = await run('remove-docker.yml', '--check', '--diff');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    planned = Object.fromEntries(
      resultsOf(r.report, 'Remove docker.io, containerd and runc').map((x) => [x.host, namesIn(x.msg, 'remove')]),
    );
    for (const n of nodes()) {
      expect(r.report!.recap[n]).toMatchObject({ changed: 1, failed: 0 });
      expect(planned[n]).toEqual(expect.arrayContaining(['containerd', 'docker.io', 'runc']));
      // Autoremove takes what only these packages needed (tini, iptables, ... on the legacy image).
      expect(planned[n]!.length).toBeGreaterThan(3);
      expect(dpkgAll(n)).toBe(before[n]);
    }
    expect(r.stdout).toMatch(/packages: containerd 1\.6\.\S+, docker\.io /);
  });

  it('the real run removes exactly the planned packages, and a second run is ok with 0 changed', async () => {
    const r = await run('remove-docker.yml');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    for (const res of resultsOf(r.report, 'Remove docker.io, containerd and runc')) {
      expect(res.status).toBe('changed');
      expect(namesIn(res.msg, 'removed')).toEqual(planned[res.host]);
    }
    for (const n of nodes()) {
      const was = new Set(before[n]!.split('\n'));
      const now = new Set(dpkgAll(n).split('\n'));
      const gone = [...was].filter((l) => !now.has(l)).map((l) => l.split(' ')[0]!.replace(/:amd64$/, ''));
      expect(gone.sort()).toEqual([...planned[n]!].sort());
      expect(
        sh(n, "dpkg-query -W -f='${db:Status-Status}\\n' docker.io containerd runc 2>/dev/null | grep -c '^installed$' || true").trim(),
      ).toBe('0');
    }
    const again = await run('remove-docker.yml');
    expect(again.code, again.stdout).toBe(0);
    for (const n of nodes()) expect(again.report!.recap[n]).toMatchObject({ changed: 0, failed: 0 });
  });

  it('installs tree after refreshing a stale cache (check first), then is idempotent', async () => {
    for (const n of nodes()) sh(n, 'rm -f /var/lib/apt/periodic/update-success-stamp; touch -d "2 hours ago" /var/lib/apt/lists');
    const check = await run('install-tree.yml', '--check');
    expect(check.code, check.stdout + check.stderr).toBe(0);
    for (const res of resultsOf(check.report, 'Install tree')) {
      expect(res.status).toBe('changed');
      expect(res.msg).toMatch(/^update the apt cache \(updated 2 h ago\); install 1 package: tree$/);
    }
    for (const n of nodes()) {
      expect(sh(n, 'dpkg-query -W tree 2>&1; test -e /var/lib/apt/periodic/update-success-stamp && echo stamp')).toMatch(
        /no packages found matching tree\n$/,
      );
    }
    const r = await run('install-tree.yml');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    for (const res of resultsOf(r.report, 'Install tree')) expect(res.msg).toBe('updated the apt cache; installed 1 package: tree');
    for (const n of nodes()) expect(sh(n, "dpkg-query -W -f='${db:Status-Status}' tree")).toBe('installed');
    const again = await run('install-tree.yml');
    expect(again.code).toBe(0);
    for (const n of nodes()) expect(again.report!.recap[n]).toMatchObject({ changed: 0, failed: 0 });
    for (const res of resultsOf(again.report, 'Install tree'))
      expect(res.msg).toMatch(/^already installed: tree 2\.1\.0-1; apt cache updated \d+ s ago/);
  });

  it("plans a plain autoremove from dpkg's status alone, exactly as apt-get with its package lists does, then removes that", async () => {
    // tree (installed by the test above) and iproute2 become removable once marked automatic.
    const expected: Record<string, string[]> = {};
    for (const n of nodes()) {
      sh(n, 'apt-mark auto tree iproute2 >/dev/null');
      expected[n] = sh(n, 'apt-get -s -y autoremove | awk \'$1=="Remv"{print $2}\'').split('\n').filter(Boolean);
      expect(expected[n]).toEqual(expect.arrayContaining(['tree', 'iproute2']));
    }
    const check = await run('autoremove.yml', '--check');
    expect(check.code, check.stdout + check.stderr).toBe(0);
    for (const res of resultsOf(check.report, 'Remove what nothing needs any more')) {
      expect(res.status).toBe('changed');
      expect(namesIn(res.msg, 'remove').sort()).toEqual([...expected[res.host]!].sort());
    }
    const r = await run('autoremove.yml');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    for (const res of resultsOf(r.report, 'Remove what nothing needs any more')) {
      expect(res.status).toBe('changed');
      expect(namesIn(res.msg, 'removed').sort()).toEqual([...expected[res.host]!].sort());
    }
    for (const n of nodes()) expect(sh(n, 'apt-get -s -y autoremove | awk \'$1=="Remv"\'')).toBe('');
    const again = await run('autoremove.yml');
    expect(again.code).toBe(0);
    for (const n of nodes()) expect(again.report!.recap[n]).toMatchObject({ changed: 0, failed: 0 });
  });

  it("fails on a package the archive does not have, with apt's message", async () => {
    const r = await run('install-unknown.yml');
    expect(r.code).toBe(2);
    for (const res of resultsOf(r.report, 'Install no-such-package-xyz')) {
      expect(res).toMatchObject({ status: 'failed', msg: 'Unable to locate package no-such-package-xyz' });
    }
  });

  it('waits lock_timeout seconds for the dpkg lock, then fails naming the holder', async () => {
    const node = nodes()[0]!;
    const holder = 'import fcntl, time\nf = open("/var/lib/dpkg/lock-frontend", "w")\nfcntl.lockf(f, fcntl.LOCK_EX)\ntime.sleep(60)\n';
    const pid = sh(node, `printf '%s' '${holder}' > /tmp/hold.py; setsid python3 /tmp/hold.py </dev/null >/dev/null 2>&1 & echo $!`).trim();
    try {
      const started = Date.now();
      const r = await run('install-locked.yml', '--limit', node);
      expect(r.code, r.stdout).toBe(2);
      expect(Date.now() - started).toBeGreaterThan(3000);
      expect(resultsOf(r.report, 'Install hello')[0]?.msg).toBe(
        `apt-get install: could not get the lock within 3 s; /var/lib/dpkg/lock-frontend is held by process ${pid} (python3)`,
      );
      expect(sh(node, 'dpkg-query -W -f="${db:Status-Status}" hello 2>/dev/null || echo absent')).not.toBe('installed');
    } finally {
      sh(node, `kill ${pid}`);
    }
  });
});

describe('lineinfile and replace', () => {
  const CONF = '/srv/fp-lines/config.toml';
  const ORIGINAL = [
    'version = 2',
    'disabled_plugins = ["cri"]',
    'state = "/run/containerd"',
    '# oom_score = 0',
    '',
    '[plugins."io.containerd.grpc.v1.cri"]',
    '  sandbox_image = "registry.k8s.io/pause:3.6"',
    '  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]',
    '    SystemdCgroup = false',
    '',
    '[plugins.other]',
    '  image = "registry.k8s.io/pause:3.6"',
    '',
  ].join('\n');
  const sums = (n: string) => sh(n, `sha256sum ${CONF}; stat -c '%a %U' ${CONF}; ls /srv/fp-lines`);

  it('--check reports every edit and changes nothing', async () => {
    for (const n of nodes()) {
      const r = onNode(lab, n, `mkdir -p /srv/fp-lines && printf '%s' '${ORIGINAL}' > ${CONF} && chmod 600 ${CONF}`);
      expect(r.code, r.stderr).toBe(0);
    }
    const before = Object.fromEntries(nodes().map((n) => [n, sums(n)]));
    const r = await run('lines.yml', '--check', '--diff');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    for (const n of nodes()) {
      expect(r.report!.recap[n]).toMatchObject({ changed: 7, failed: 0 });
      expect(sums(n)).toBe(before[n]);
    }
    expect(r.stdout).toContain('+    SystemdCgroup = true');
  });

  it('applies the edits atomically, keeping mode and owner, and a second run changes nothing', async () => {
    const r = await run('lines.yml');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    for (const n of nodes()) {
      expect(r.report!.recap[n]).toMatchObject({ changed: 7, failed: 0 });
      expect(sh(n, `cat ${CONF}`)).toBe(
        [
          'version = 2',
          'root = "/var/lib/containerd"',
          'state = "/run/containerd" # checked',
          'oom_score = -999',
          '',
          '[plugins."io.containerd.grpc.v1.cri"]',
          '  sandbox_image = "registry.local/pause:3.6" # $1 stays literal',
          '  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]',
          '    SystemdCgroup = true',
          '',
          '[plugins.other]',
          '  image = "registry.k8s.io/pause:3.6"',
          '',
        ].join('\n'),
      );
      expect(sh(n, `stat -c '%a %U' ${CONF} /srv/fp-lines/new/crictl.yaml; ls -A /srv/fp-lines`)).toBe(
        '600 root\n640 root\nconfig.toml\nnew\n',
      );
      expect(sh(n, 'cat /srv/fp-lines/new/crictl.yaml')).toBe('runtime-endpoint: unix:///run/containerd/containerd.sock\n');
    }
    const after = Object.fromEntries(nodes().map((n) => [n, sums(n)]));
    const again = await run('lines.yml');
    expect(again.code).toBe(0);
    for (const n of nodes()) {
      expect(again.report!.recap[n]).toMatchObject({ changed: 0, failed: 0 });
      expect(sums(n)).toBe(after[n]);
    }
  });
});
