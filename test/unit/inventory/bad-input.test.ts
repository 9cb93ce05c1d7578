// Hostile or mistaken INI/YAML inventory input: located errors, Ansible's behaviour, no prototype pollution.
import { describe, expect, it } from 'vitest';
import { FleetError } from '../../../engine/errors.ts';
import { loadInventory } from '../../../engine/inventory/index.ts';
import { parsePythonLiteral } from '../../../engine/inventory/python-literal.ts';
import { expectLinear } from '../../support/scaling.ts';
import { thrown, writeInventory, writeTree } from './tree.ts';

function errorAt(text: string, name = 'hosts'): { message: string; at: string } {
  const file = writeInventory(text, name);
  const err = thrown(() => loadInventory(file));
  expect(err).toBeInstanceOf(FleetError);
  const e = err as FleetError;
  expect(e.location?.file).toBe(file);
  return { message: e.message, at: `${e.location?.line}:${e.location?.column}` };
}

describe('deeply nested INI values', () => {
  it('keeps a value nested deeper than CPython allows as text, like ast.literal_eval (was a stack overflow)', () => {
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    const inv = loadInventory(writeInventory(`h1 x=${deep}\n`));
    expect(inv.hostVars('h1')['x']).toBe(deep);
    expect(parsePythonLiteral('['.repeat(201) + ']'.repeat(201))).toEqual({ ok: false });
    expect(parsePythonLiteral('['.repeat(200) + ']'.repeat(200))).toMatchObject({ ok: true });
  });

  it('refuses a host entry whose ranges multiply past the host limit, at the entry', () => {
    const { message, at } = errorAt(`[web]\nh${'[1:9]'.repeat(8)}\n`);
    expect(message).toMatch(/expands to more than 100000 hosts/);
    expect(at).toBe('2:1');
  });
});

describe('big inventories', () => {
  it('adds 65,536 hosts from one entry in linear time (group membership was checked with includes())', { timeout: 120_000 }, () => {
    // n hosts from one range, 8192 and 65,536 of them; each inventory written once.
    const files = new Map<number, string>();
    const entry = (n: number) => files.get(n) ?? files.set(n, writeInventory(`[web]\nh[1:${n}]\n`)).get(n)!;
    expectLinear((n) => loadInventory(entry(n)), 8192, { maxN: 8192, label: 'hosts' });
    const inv = loadInventory(writeInventory(`[web]\nh${'[1:4]'.repeat(8)}\n`));
    expect(inv.groups.get('web')?.hosts).toHaveLength(65_536);
  });
});

describe('ports', () => {
  it('refuses ansible_port=notanumber at the variable', () => {
    expect(errorAt('[web]\nweb1 ansible_port=notanumber\n')).toEqual({
      message: 'ansible_port must be a port number from 1 to 65535, got "notanumber"',
      at: '2:6',
    });
  });

  it('refuses out-of-range ports in [group:vars], host:port, YAML inventories and host_vars', () => {
    expect(errorAt('[web]\nweb1\n[web:vars]\nansible_port=70000\n').at).toBe('4:1');
    expect(errorAt('[web]\nweb1:0\n').message).toMatch(/invalid port '0' in host 'web1:0'/);
    expect(errorAt('all:\n  hosts:\n    web1:\n      ansible_port: 22x\n', 'inv.yml').at).toBe('4:21');
    const dir = writeTree({ hosts: '[web]\nweb1\n', 'host_vars/web1.yml': 'ansible_port: -1\n' });
    const e = thrown(() => loadInventory(`${dir}/hosts`)) as FleetError;
    expect(e.message).toMatch(/ansible_port must be a port number/);
    expect(`${e.location?.file}:${e.location?.line}`).toBe(`${dir}/host_vars/web1.yml:1`);
  });

  it('accepts whole-number ports, quoted ones and templates', () => {
    const inv = loadInventory(
      writeInventory('[web]\nweb1 ansible_port=2222\nweb2 ansible_port="22"\nweb3 ansible_port="{{ p }}"\nweb4:65535\n'),
    );
    expect(['web1', 'web2', 'web3', 'web4'].map((h) => inv.hostVars(h)['ansible_port'])).toEqual([2222, 22, '{{ p }}', 65535]);
  });
});

describe('letter ranges, as Ansible expands them over string.ascii_letters', () => {
  it('expands [a:Z] to a..z then A..Z (ansible-inventory lists 52 hosts) and refuses [A:z]', () => {
    const inv = loadInventory(writeInventory('[web]\nnode[a:Z]\n'));
    const hosts = [...inv.hosts.keys()];
    expect(hosts).toHaveLength(52);
    expect(hosts.slice(24, 28)).toEqual(['nodey', 'nodez', 'nodeA', 'nodeB']);
    expect(errorAt('[web]\nnode[A:z]\n')).toEqual({
      message: "bad host range in 'node[A:z]': range [A:z] must have begin <= end",
      at: '2:1',
    });
  });
});

describe('vars sections', () => {
  it('refuses a host line in [group:vars] at that line', () => {
    const { message, at } = errorAt('[web]\nweb1\n[web:vars]\nghost ansible_host=10.0.0.9\n');
    expect(message).toMatch(/^expected key=value in \[web:vars\], got 'ghost ansible_host=10.0.0.9'/);
    expect(at).toBe('4:1');
  });
});

describe('__proto__, constructor and prototype are plain names', () => {
  it('keeps them as group, host and variable names without touching any prototype', () => {
    const dir = writeTree({
      hosts: "[__proto__]\nconstructor __proto__=5 x=\"{'__proto__': {'polluted': 1}}\"\n[__proto__:vars]\nprototype=2\n",
      'group_vars/__proto__.yml': 'from_group_vars: 1\n__proto__: {polluted: 2}\n',
      'host_vars/constructor.yml': 'prototype: hv\n',
    });
    const inv = loadInventory(`${dir}/hosts`);
    expect(inv.groupsOf('constructor')).toEqual(['all', '__proto__']);
    const vars = inv.hostVars('constructor');
    expect(Object.getOwnPropertyNames(vars).sort()).toEqual([
      '__proto__',
      'from_group_vars',
      'group_names',
      'inventory_hostname',
      'prototype',
      'x',
    ]);
    expect(Object.getOwnPropertyDescriptor(vars, '__proto__')?.value).toBe(5);
    expect(vars['prototype']).toBe('hv');
    expect(Object.getOwnPropertyDescriptor(vars['x'], '__proto__')?.value).toEqual({ polluted: 1 });
    expect(Object.getPrototypeOf(vars)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('keeps them in YAML inventories too', () => {
    const inv = loadInventory(
      writeInventory('__proto__:\n  hosts:\n    constructor:\n      __proto__: {polluted: 1}\n  vars:\n    prototype: 2\n', 'inv.yml'),
    );
    expect(inv.groupsOf('constructor')).toEqual(['all', '__proto__']);
    const vars = inv.hostVars('constructor');
    expect(Object.getOwnPropertyDescriptor(vars, '__proto__')?.value).toEqual({ polluted: 1 });
    expect(vars['prototype']).toBe(2);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
