// The vendor-repository playbooks' templates, rendered with the engine's renderer and the playbook defaults.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { renderHandlebars } from '../../engine/template/render.ts';
import type { Vars } from '../../engine/types.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DEFAULTS = parseYaml(readFileSync(path.join(ROOT, 'playbooks/group_vars/all.yml'), 'utf8')) as Vars;
const LAB = parseYaml(readFileSync(path.join(ROOT, 'inventory/group_vars/kube.yml'), 'utf8')) as Vars;
const SOCKET = 'unix:///run/containerd/containerd.sock';

function render(name: string, vars: Vars): string {
  const file = path.join(ROOT, 'playbooks/templates', name);
  return renderHandlebars(readFileSync(file, 'utf8'), vars, { file, line: 1, column: 1 });
}

describe('daemon.json.hbs', () => {
  it('renders seed 004 settings as JSON with the defaults', () => {
    expect(JSON.parse(render('daemon.json.hbs', DEFAULTS))).toEqual({
      'exec-opts': ['native.cgroupdriver=systemd'],
      'log-driver': 'json-file',
      'log-opts': { 'max-size': '100m' },
      'storage-driver': 'overlay2',
    });
  });
  it('adds docker_daemon_extra keys as JSON values (the lab turns off the bridge and iptables)', () => {
    const doc = JSON.parse(render('daemon.json.hbs', { ...DEFAULTS, ...LAB })) as Record<string, unknown>;
    expect(doc).toMatchObject({ bridge: 'none', iptables: false, 'ip-masq': false, 'ip-forward': false, 'storage-driver': 'overlay2' });
  });
  it('renders invalid JSON from a value with a quote in it (format: json then refuses it)', () => {
    expect(() => JSON.parse(render('daemon.json.hbs', { ...DEFAULTS, docker_log_max_size: '100m"' }))).toThrow();
  });
});

describe('kubeadm-config.yaml.hbs', () => {
  it('names the containerd socket for kubeadm and the kubelet, with the systemd cgroup driver', () => {
    const docs = parseAllDocuments(render('kubeadm-config.yaml.hbs', { ...DEFAULTS, containerd_socket: SOCKET })).map(
      (d) => d.toJS() as Record<string, unknown>,
    );
    expect(docs.map((d) => d.kind)).toEqual(['InitConfiguration', 'JoinConfiguration', 'KubeletConfiguration']);
    expect(docs[0]).toMatchObject({ apiVersion: 'kubeadm.k8s.io/v1beta4', nodeRegistration: { criSocket: SOCKET } });
    expect(docs[1]).toMatchObject({ nodeRegistration: { criSocket: SOCKET } });
    expect(docs[2]).toEqual({
      apiVersion: 'kubelet.config.k8s.io/v1beta1',
      kind: 'KubeletConfiguration',
      cgroupDriver: 'systemd',
      containerRuntimeEndpoint: SOCKET,
    });
  });
});
