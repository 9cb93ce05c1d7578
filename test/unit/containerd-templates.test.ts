// The containerd playbook's templates, rendered with the engine's renderer and the playbook defaults.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { renderHandlebars, renderString } from '../../engine/template/render.ts';
import type { Vars } from '../../engine/types.ts';

const PLAYBOOKS = path.resolve(import.meta.dirname, '../../playbooks');
const DEFAULTS = parseYaml(readFileSync(path.join(PLAYBOOKS, 'group_vars/all.yml'), 'utf8')) as Vars;
const SOCKET = 'unix:///run/containerd/containerd.sock';

/** Renders playbooks/templates/NAME the way the template module does (modules/template.ts → renderFile). */
function render(name: string, overrides: Vars = {}): string {
  const file = path.join(PLAYBOOKS, 'templates', name);
  return renderHandlebars(readFileSync(file, 'utf8'), { ...DEFAULTS, ...overrides }, { file, line: 1, column: 1 });
}

/** Walks a parsed TOML document by table keys. */
function at(doc: unknown, ...keys: string[]): unknown {
  let cur = doc;
  for (const k of keys) cur = (cur as Record<string, unknown> | undefined)?.[k];
  return cur;
}

/** A task of playbooks/tasks/containerd.yml by name. */
function task(name: string): Record<string, unknown> {
  const tasks = parseYaml(readFileSync(path.join(PLAYBOOKS, 'tasks/containerd.yml'), 'utf8')) as Array<Record<string, unknown>>;
  const found = tasks.find((t) => t.name === name);
  if (!found) throw new Error(`no task '${name}'`);
  return found;
}

const V2_CRI = ['plugins', 'io.containerd.grpc.v1.cri'];
const V3_RUNTIME = ['plugins', 'io.containerd.cri.v1.runtime'];
const V3_IMAGES = ['plugins', 'io.containerd.cri.v1.images'];
const RUNC = ['containerd', 'runtimes', 'runc'];

describe('config.toml.hbs', () => {
  it('uses the playbook default containerd_version 1.7.24 and the systemd driver', () => {
    expect(DEFAULTS.containerd_version).toBe('1.7.24');
    expect(DEFAULTS.containerd_cgroup_driver).toBe('systemd');
    expect(DEFAULTS.containerd_registry_mirrors).toEqual([]);
  });

  for (const version of ['1.6.20', '1.7.24']) {
    it(`writes a version 2 config with SystemdCgroup under the grpc.v1.cri plugin for containerd ${version}`, () => {
      const doc = parseToml(render('config.toml.hbs', { containerd_version: version }));
      expect(doc.version).toBe(2);
      expect(Object.keys(at(doc, 'plugins') as object)).toEqual(['io.containerd.grpc.v1.cri']);
      expect(at(doc, ...V2_CRI, ...RUNC)).toEqual({ runtime_type: 'io.containerd.runc.v2', options: { SystemdCgroup: true } });
    });
  }

  for (const version of ['2.0.0', '2.1.4', '2.0.0-rc.1']) {
    it(`writes a version 3 config with SystemdCgroup under the cri.v1.runtime plugin for containerd ${version}`, () => {
      const doc = parseToml(render('config.toml.hbs', { containerd_version: version }));
      expect(doc.version).toBe(3);
      expect(Object.keys(at(doc, 'plugins') as object).sort()).toEqual(['io.containerd.cri.v1.images', 'io.containerd.cri.v1.runtime']);
      expect(at(doc, ...V3_RUNTIME, ...RUNC)).toEqual({ runtime_type: 'io.containerd.runc.v2', options: { SystemdCgroup: true } });
    });
  }

  it('treats 1.7.100 as older than 2.0 (versions compare numerically)', () => {
    expect(parseToml(render('config.toml.hbs', { containerd_version: '1.7.100' })).version).toBe(2);
  });

  it('turns SystemdCgroup off for the cgroupfs driver, in both config versions', () => {
    const v2 = parseToml(render('config.toml.hbs', { containerd_version: '1.7.24', containerd_cgroup_driver: 'cgroupfs' }));
    const v3 = parseToml(render('config.toml.hbs', { containerd_version: '2.0.0', containerd_cgroup_driver: 'cgroupfs' }));
    expect(at(v2, ...V2_CRI, ...RUNC, 'options', 'SystemdCgroup')).toBe(false);
    expect(at(v3, ...V3_RUNTIME, ...RUNC, 'options', 'SystemdCgroup')).toBe(false);
  });

  it('points config_path at the certs.d directory the mirror tasks write, in the registry table of each version', () => {
    const mirrors = [{ registry: 'docker.io', server: 'https://registry-1.docker.io', endpoints: ['https://mirror.example.com'] }];
    const v2 = parseToml(render('config.toml.hbs', { containerd_version: '1.7.24', containerd_registry_mirrors: mirrors }));
    const v3 = parseToml(render('config.toml.hbs', { containerd_version: '2.0.0', containerd_registry_mirrors: mirrors }));
    expect(at(v2, ...V2_CRI, 'registry')).toEqual({ config_path: '/etc/containerd/certs.d' });
    expect(at(v3, ...V3_IMAGES, 'registry')).toEqual({ config_path: '/etc/containerd/certs.d' });
    expect(at(v3, ...V3_RUNTIME, 'registry')).toBe(undefined);

    // The tasks put each registry's hosts.toml in <config_path>/<registry>/.
    const dirArgs = task('Registry mirror directories').file as Vars;
    const fileArgs = task('Registry mirrors').template as Vars;
    const where = { file: 'tasks/containerd.yml', line: 1, column: 1 };
    expect(renderString(String(dirArgs.path), { item: mirrors[0] }, where)).toBe('/etc/containerd/certs.d/docker.io');
    expect(renderString(String(fileArgs.dest), { item: mirrors[0] }, where)).toBe('/etc/containerd/certs.d/docker.io/hosts.toml');
    expect(task('Registry mirrors').loop).toBe('{{ containerd_registry_mirrors }}');
  });
});

describe('hosts.toml.hbs', () => {
  it('parses as TOML with the server and one host table per mirror endpoint', () => {
    const item = {
      registry: 'docker.io',
      server: 'https://registry-1.docker.io',
      endpoints: ['https://mirror.example.com', 'http://10.0.0.9:5000'],
    };
    expect(parseToml(render('hosts.toml.hbs', { containerd_registry_mirrors: [item], item }))).toEqual({
      server: 'https://registry-1.docker.io',
      host: {
        'https://mirror.example.com': { capabilities: ['pull', 'resolve'] },
        'http://10.0.0.9:5000': { capabilities: ['pull', 'resolve'] },
      },
    });
  });

  it('defaults the server to https://<registry> when the item has none', () => {
    const item = { registry: 'quay.io', endpoints: ['https://quay-mirror.example.com'] };
    expect(parseToml(render('hosts.toml.hbs', { item }))).toEqual({
      server: 'https://quay.io',
      host: { 'https://quay-mirror.example.com': { capabilities: ['pull', 'resolve'] } },
    });
  });

  it('names the registry in its header comment', () => {
    const item = { registry: 'registry.k8s.io', endpoints: [] };
    expect(render('hosts.toml.hbs', { item }).split('\n').slice(0, 2)).toEqual([
      '# Managed by fleetplay: mirrors for registry.k8s.io.',
      'server = "https://registry.k8s.io"',
    ]);
  });
});

describe('crictl.yaml.hbs', () => {
  it('parses as YAML pointing both endpoints at the containerd socket', () => {
    expect(parseYaml(render('crictl.yaml.hbs'))).toEqual({
      'runtime-endpoint': SOCKET,
      'image-endpoint': SOCKET,
      timeout: 10,
      debug: false,
    });
  });

  it('follows containerd_socket', () => {
    const doc = parseYaml(render('crictl.yaml.hbs', { containerd_socket: 'unix:///var/run/k3s/containerd.sock' })) as Vars;
    expect([doc['runtime-endpoint'], doc['image-endpoint']]).toEqual([
      'unix:///var/run/k3s/containerd.sock',
      'unix:///var/run/k3s/containerd.sock',
    ]);
  });
});
