// Secrets by where they come from: redacted from the console, the report and errors, whatever path
// they take through templating, set_fact, register, loops and task names. The CLI runs as a real
// process against this machine (ansible_connection=local), so every sink is the real one.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MASK, Secrets, isSecretName, maskSecretAssignments } from '../../engine/secrets.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

function engine(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'engine', 'index.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', FLEETPLAY_RETRY_DIR: os.tmpdir(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

function tempDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-secrets-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

describe('Secrets', () => {
  it('knows secret names, including Ansible connection passwords, but not *_file paths', () => {
    for (const n of [
      'db_password',
      'ansible_become_pass',
      'ansible_ssh_pass',
      'api_token',
      'API_KEY',
      'vault_secret',
      'my-pwd',
      'passphrase',
    ]) {
      expect(isSecretName(n), n).toBe(true);
    }
    for (const n of ['ansible_ssh_private_key_file', 'password_file', 'compass', 'bypass_proxy', 'name', 'packages']) {
      expect(isSecretName(n), n).toBe(false);
    }
  });

  it('finds values under secret names at any depth, numbers included, and redacts them by value', () => {
    const s = new Secrets();
    s.scan({ db: { password: 'NestedSecret22', user: 'app' }, num_password: 12345678, list: [{ token: 'ListTok99' }] });
    expect(s.redact('NestedSecret22 / 12345678 / ListTok99 / app')).toBe(`${MASK} / ${MASK} / ${MASK} / app`);
  });

  it('hides the longer secret first when one contains another', () => {
    const s = new Secrets();
    s.add('abcdef');
    s.add('abcdefghij');
    expect(s.redact('x abcdefghij y abcdef')).toBe(`x ${MASK} y ${MASK}`);
  });

  it('masks values under secret keys of an item, and treats regex characters in secrets literally', () => {
    const s = new Secrets();
    s.add('a.b*c(d');
    expect(s.redactDeep({ name: 'alice', password: 'whatever', note: 'see a.b*c(d' })).toEqual({
      name: 'alice',
      password: MASK,
      note: `see ${MASK}`,
    });
    expect(s.redact('aXbbbc(d')).toBe('aXbbbc(d');
  });

  it('keeps a __proto__ key as data when redacting', () => {
    const s = new Secrets();
    const out = s.redactStrings(JSON.parse('{"__proto__": {"polluted": 1}}')) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('secrets in a real run', () => {
  const files = {
    'inv.ini': '[x]\nh1 ansible_connection=local ansible_become_pass=BecomeSecret77 ansible_ssh_pass=SshSecret88\n',
    'vars.yml': 'vf_password: VarsFileSecret11\nnum_password: 12345678\ndb:\n  password: NestedSecret22\n',
    'play.yml': `- hosts: all
  gather_facts: false
  vars_files: [vars.yml]
  tasks:
    - name: "task with {{ api_token }}"
      debug: msg="{{ vf_password }} {{ num_password }} {{ db.password }} {{ ansible_become_pass }} {{ ansible_ssh_pass }}"
    - debug: msg="{{ task_secret }}"
      vars: { task_secret: TaskSecret33 }
    - set_fact: { sf_password: SetFactSecret55 }
    - debug: var=sf_password
    - debug: msg="{{ item.name }}"
      loop: [{name: alice, password: LoopSecret44}]
    - debug: msg="{{ item.name }}"
      loop: [{name: bob, password: LoopSecret45}]
      loop_control: { label: "user {{ item.name }}" }
    - command: echo NoLogOutput66
      register: r
      no_log: true
    - debug: var=r.stdout
    - debug: msg="{{ wrapped_token }}"
      vars: { base: plainvalue, wrapped_token: "{{ base }}-LazyTok" }
    - debug: msg="{{ db_password }}"
`,
  };

  it('prints none of them, on the console or in the report (0600), and uses loop_control.label', async () => {
    const dir = tempDir(files);
    const report = path.join(dir, 'report.json');
    const r = await engine([
      'run',
      path.join(dir, 'play.yml'),
      '-i',
      path.join(dir, 'inv.ini'),
      '-e',
      'api_token=CliSecret00',
      '-e',
      'db_password=Xy{{Zq9!',
      '--report',
      report,
    ]);
    const written = readFileSync(report, 'utf8');
    for (const text of [r.out, written]) {
      for (const secret of [
        'CliSecret00',
        'VarsFileSecret11',
        '12345678',
        'NestedSecret22',
        'BecomeSecret77',
        'SshSecret88',
        'TaskSecret33',
        'LoopSecret44',
        'LoopSecret45',
        'SetFactSecret55',
        'NoLogOutput66',
        'plainvalue-LazyTok',
        'Xy{{Zq9!',
      ]) {
        expect(text, secret).not.toContain(secret);
      }
    }
    // The run did what it was asked: the secrets were used, only hidden.
    expect(r.out).toContain(`TASK [task with ${MASK}]`);
    expect(r.out).toContain(`sf_password = ${MASK}`);
    expect(r.out).toContain('(item=user bob) bob');
    expect(r.out).toContain(`"password":"${MASK}"`);
    expect(r.code).toBe(2); // the `{{` password is a template syntax error, as in Ansible
    expect(statSync(report).mode & 0o777).toBe(0o600);
  });

  it('refuses -k and -K without a terminal (exit 4), instead of exiting 0 having run nothing', async () => {
    const dir = tempDir(files);
    for (const flag of ['-k', '-K', '--ask-pass', '--ask-become-pass']) {
      const r = await engine(['run', path.join(dir, 'play.yml'), '-i', path.join(dir, 'inv.ini'), flag]);
      expect(r.code, flag).toBe(4);
      expect(r.out).toMatch(/needs a terminal .* set FLEETPLAY_(SSH|BECOME)_PASSWORD/);
      expect(r.out).not.toContain('PLAY [');
    }
  });

  it('refuses a --report in a directory that does not exist, before any host is contacted', async () => {
    const dir = tempDir(files);
    const r = await engine([
      'run',
      path.join(dir, 'play.yml'),
      '-i',
      path.join(dir, 'inv.ini'),
      '--report',
      path.join(dir, 'nope', 'r.json'),
    ]);
    expect(r.code).toBe(4);
    expect(r.out).toContain(`directory ${path.join(dir, 'nope')} does not exist`);
    expect(r.out).not.toContain('PLAY [');
  });

  it('masks passwords in `inventory --host` and `--list`', async () => {
    const dir = tempDir(files);
    for (const args of [['--host', 'h1'], ['--list']]) {
      const r = await engine(['inventory', '-i', path.join(dir, 'inv.ini'), ...args]);
      expect(r.code).toBe(0);
      expect(r.out).not.toContain('BecomeSecret77');
      expect(r.out).toContain(`"ansible_ssh_pass": "${MASK}"`);
      expect(r.out).toContain('"ansible_connection": "local"');
    }
  });

  it('hides vault-decrypted values whatever their names, and the vault password', async () => {
    const vault = path.join(ROOT, 'test/unit/fixtures/vault');
    const dir = tempDir({
      'inv.ini': files['inv.ini'],
      'play.yml': `- hosts: all\n  gather_facts: false\n  vars_files: [${vault}/vars-file.yml]\n  tasks:\n    - debug: msg="user={{ vaulted_user }} pw={{ vaulted_password }}"\n    - debug: msg="fleetplay-test-password"\n`,
    });
    const r = await engine([
      'run',
      path.join(dir, 'play.yml'),
      '-i',
      path.join(dir, 'inv.ini'),
      '--vault-password-file',
      path.join(vault, 'password.txt'),
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`user=${MASK} pw=${MASK}`);
    expect(r.out).not.toMatch(/alice|Fil3-Vault-Secret|fleetplay-test-password/);
  });

  it('masks secret values in the excerpt of a file that failed to load, and in echoed -e input', async () => {
    const dir = tempDir({
      'inv.ini': 'h1 ansible_connection=local ansible_password=FrameSecret18 ansible_port=bad\n',
      'ok.ini': 'h1 ansible_connection=local\n',
      'v.yml': 'x: 1\ndb_password: FrameSecret14\ny: *nope\n',
      'dup.yml': 'db_password: FrameSecret15\ndb_password: FrameSecret16\n',
      'play.yml': '- hosts: all\n  gather_facts: false\n  vars_files: [v.yml]\n  tasks: [{debug: {msg: hi}}]\n',
      'dup-play.yml': '- hosts: all\n  gather_facts: false\n  vars_files: [dup.yml]\n  tasks: [{debug: {msg: hi}}]\n',
    });
    const runs = [
      await engine(['run', path.join(dir, 'play.yml'), '-i', path.join(dir, 'ok.ini')]),
      await engine(['run', path.join(dir, 'dup-play.yml'), '-i', path.join(dir, 'ok.ini')]),
      await engine(['run', path.join(dir, 'play.yml'), '-i', path.join(dir, 'inv.ini')]),
      await engine(['run', path.join(dir, 'play.yml'), '-i', path.join(dir, 'ok.ini'), '-e', '{"db_password": "EArg1234", bad']),
    ];
    for (const r of runs) {
      expect(r.code).toBe(4);
      expect(r.out).toMatch(/:\d+:\d+: /);
      expect(r.out).not.toMatch(/FrameSecret1[4568]|EArg1234/);
    }
    expect(runs[0]!.out).toContain(`db_password: ${MASK}`);
  });

  it('mask of assignments: YAML lines, JSON members and key=value words, nothing else', () => {
    expect(maskSecretAssignments('2 | db_password: a b c\n3 |   - api_token: "x"\nname: keep')).toBe(
      `2 | db_password: ${MASK}\n3 |   - api_token: ${MASK}\nname: keep`,
    );
    expect(maskSecretAssignments('{"token": "t1", "user": "u"}')).toBe(`{"token": "${MASK}", "user": "u"}`);
    expect(maskSecretAssignments("h1 ansible_become_pass='x y' port=22")).toBe(`h1 ansible_become_pass=${MASK} port=22`);
  });
});

describe('inventory --list', () => {
  it('lists a group named __proto__ like any other group', async () => {
    const dir = tempDir({ 'inv.ini': '[__proto__]\nh2 ansible_connection=local\n' });
    const r = await engine(['inventory', '-i', path.join(dir, 'inv.ini'), '--list']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).__proto__).toEqual({ hosts: ['h2'] });
  });
});
