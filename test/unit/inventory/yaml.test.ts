import { describe, expect, it } from 'vitest';
import { FleetError } from '../../../engine/errors.ts';
import { loadInventory } from '../../../engine/inventory/index.ts';
import { thrown, writeInventory } from './tree.ts';

function errorAt(text: string, name = 'inv.yml'): { message: string; line: number; column: number } {
  const file = writeInventory(text, name);
  const err = thrown(() => loadInventory(file));
  expect(err).toBeInstanceOf(FleetError);
  const e = err as FleetError;
  expect(e.kind).toBe('inventory');
  expect(e.location?.file).toBe(file);
  return { message: e.message, line: e.location?.line ?? 0, column: e.location?.column ?? 0 };
}

describe('YAML inventories', () => {
  it('reads nested hosts, children and vars, keeping YAML types', () => {
    const inv = loadInventory(
      writeInventory(
        `all:
  vars:
    ntp: pool.ntp.org
  hosts:
    bastion:
      ansible_host: 192.0.2.1
  children:
    web:
      hosts:
        web[1:2].lab:2200:
          tier: front
      vars:
        http_port: 80
        mode: 0644
        enabled: yes
    prod:
      children:
        web:
        db:
          hosts: db1
`,
        'inventory.yml',
      ),
    );
    expect([...inv.hosts.keys()]).toEqual(['bastion', 'web1.lab', 'web2.lab', 'db1']);
    expect(Object.fromEntries(inv.groups)).toEqual({
      all: { name: 'all', hosts: ['bastion'], children: ['ungrouped', 'web', 'prod'], vars: { ntp: 'pool.ntp.org' } },
      ungrouped: { name: 'ungrouped', hosts: ['bastion'], children: [], vars: {} },
      web: { name: 'web', hosts: ['web1.lab', 'web2.lab'], children: [], vars: { http_port: 80, mode: 420, enabled: true } },
      prod: { name: 'prod', hosts: [], children: ['web', 'db'], vars: {} },
      db: { name: 'db', hosts: ['db1'], children: [], vars: {} },
    });
    expect(inv.hosts.get('web2.lab')).toEqual({ name: 'web2.lab', vars: { ansible_port: 2200, tier: 'front' } });
    expect(inv.groupsOf('web1.lab')).toEqual(['all', 'prod', 'web']);
  });

  it('accepts top-level groups besides all, and an empty file', () => {
    const inv = loadInventory(writeInventory('web:\n  hosts:\n    w1:\n', 'a.yaml'));
    expect(inv.groups.get('all')?.children).toEqual(['ungrouped', 'web']);
    expect([...loadInventory(writeInventory('', 'empty.yml')).hosts.keys()]).toEqual([]);
  });

  it('detects YAML by content in an extension-less file', () => {
    const inv = loadInventory(writeInventory('# comment\nall:\n  hosts:\n    h1:\n      x: 1\n', 'hosts'));
    expect(inv.hosts.get('h1')).toEqual({ name: 'h1', vars: { x: 1 } });
  });

  it('reports an unexpected group key at that key', () => {
    expect(errorAt('all:\n  children:\n    web:\n      host:\n        w1:\n')).toMatchObject({
      line: 4,
      column: 7,
      message: "unexpected key 'host' in group 'web' (expected hosts, children or vars)",
    });
  });

  it('reports a bad range in a host key at that key', () => {
    expect(errorAt('all:\n  hosts:\n    ok:\n    w[3:1]:\n')).toMatchObject({
      line: 4,
      column: 5,
      message: expect.stringMatching(/begin <= end/),
    });
  });

  it('reports host variables that are not a mapping at the value', () => {
    expect(errorAt('all:\n  hosts:\n    h1: [a, b]\n')).toMatchObject({ line: 3, column: 9 });
  });

  it('reports a group that is not a mapping, a plugin file and a non-mapping document', () => {
    expect(errorAt('web: [1]\n')).toMatchObject({ line: 1, column: 6 });
    expect(errorAt('plugin: aws_ec2\n')).toMatchObject({ line: 1, column: 1, message: expect.stringMatching(/plugin/) });
    expect(errorAt('- a\n- b\n')).toMatchObject({ line: 1, column: 1 });
  });

  it('reports YAML syntax errors with their position', () => {
    expect(errorAt('all:\n  hosts:\n    h1: {a: 1\n')).toMatchObject({ message: expect.stringMatching(/^YAML syntax error/) });
  });

  it('reports a group loop at the child key whose edge closes it', () => {
    expect(errorAt('a:\n  children:\n    b:\n      children:\n        a:\n')).toMatchObject({
      line: 3,
      column: 5,
      message: "adding group 'b' as a child of 'a' creates a loop",
    });
  });
});
