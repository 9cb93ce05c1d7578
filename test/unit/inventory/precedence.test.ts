import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FleetError } from '../../../engine/errors.ts';
import { loadInventory } from '../../../engine/inventory/index.ts';
import type { Inventory } from '../../../engine/types.ts';
import { thrown, writeTree } from './tree.ts';

const load = (files: Record<string, string>): Inventory => loadInventory(join(writeTree(files), 'hosts'));

describe('hostVars precedence', () => {
  it('lets a child group beat its parent and the parent beat all', () => {
    const inv = load({
      hosts: `
[web]
web1
[prod:children]
web
[all:vars]
v=all
only_all=1
[prod:vars]
v=prod
only_prod=1
[web:vars]
v=web
`,
    });
    expect(inv.hostVars('web1')).toEqual({
      v: 'web',
      only_all: 1,
      only_prod: 1,
      inventory_hostname: 'web1',
      group_names: ['prod', 'web'],
    });
  });

  it('orders groups by depth below all, not by file order', () => {
    const inv = load({ hosts: '[leaf:vars]\nv=leaf\n[top:vars]\nv=top\n[top:children]\nmid\n[mid:children]\nleaf\n[leaf]\nh\n' });
    expect(inv.groupsOf('h')).toEqual(['all', 'top', 'mid', 'leaf']);
    expect(inv.hostVars('h')['v']).toBe('leaf');
  });

  it('sorts groups of the same depth by name, and ansible_group_priority beats the name', () => {
    const plain = load({ hosts: '[zeta]\nh\n[alpha]\nh\n[zeta:vars]\nv=zeta\n[alpha:vars]\nv=alpha\n' });
    expect(plain.groupsOf('h')).toEqual(['all', 'alpha', 'zeta']);
    expect(plain.hostVars('h')['v']).toBe('zeta');

    const prioritized = load({ hosts: '[zeta]\nh\n[alpha]\nh\n[zeta:vars]\nv=zeta\n[alpha:vars]\nv=alpha\nansible_group_priority=10\n' });
    expect(prioritized.groupsOf('h')).toEqual(['all', 'zeta', 'alpha']);
    expect(prioritized.hostVars('h')['v']).toBe('alpha');
  });

  it('does not let ansible_group_priority override depth', () => {
    const inv = load({
      hosts: '[parent:children]\nchild\n[child]\nh\n[parent:vars]\nv=parent\nansible_group_priority=99\n[child:vars]\nv=child\n',
    });
    expect(inv.hostVars('h')['v']).toBe('child');
  });

  it('lets inline host vars beat every group var, and host_vars/ beat inline host vars', () => {
    const inv = load({
      hosts: '[web]\nweb1 a=inline b=inline\n[web:vars]\na=group\nb=group\nc=group\n',
      'group_vars/web.yml': 'a: gv\nb: gv\nc: gv\n',
      'host_vars/web1.yml': 'b: host_vars\n',
    });
    expect(inv.hostVars('web1')).toEqual({ a: 'inline', b: 'host_vars', c: 'gv', inventory_hostname: 'web1', group_names: ['web'] });
  });

  it('puts inventory-file group vars below group_vars/all, and group_vars/all below group_vars/<group>', () => {
    const inv = load({
      hosts: '[web]\nweb1\n[web:vars]\nfrom_web_ini=1\nv=web-ini\nw=web-ini\n',
      'group_vars/all.yml': 'v: gv-all\nw: gv-all\n',
      'group_vars/web.yml': 'w: gv-web\n',
    });
    expect(inv.hostVars('web1')).toEqual({
      from_web_ini: 1,
      v: 'gv-all',
      w: 'gv-web',
      inventory_hostname: 'web1',
      group_names: ['web'],
    });
  });

  it('orders group_vars/ files by group depth and priority too', () => {
    const inv = load({
      hosts: '[parent:children]\nchild\n[child]\nh\n[other]\nh\n[other:vars]\nansible_group_priority=5\n',
      'group_vars/parent.yml': 'a: parent\nb: parent\n',
      'group_vars/child.yml': 'a: child\nb: child\n',
      'group_vars/other.yml': 'b: other\n',
    });
    expect(inv.groupsOf('h')).toEqual(['all', 'parent', 'other', 'child']);
    expect(inv.hostVars('h')).toMatchObject({ a: 'child', b: 'child' });
  });

  it('replaces dictionaries instead of merging them (hash_behaviour=replace)', () => {
    const inv = load({ hosts: '[web]\nweb1\n', 'group_vars/all.yml': 'cfg: {a: 1, b: 2}\n', 'group_vars/web.yml': 'cfg: {b: 3}\n' });
    expect(inv.hostVars('web1')['cfg']).toEqual({ b: 3 });
  });

  it('sets inventory_hostname and sorted group_names, overriding inventory variables of those names', () => {
    const inv = load({ hosts: 'solo inventory_hostname=fake\n[b]\nh\n[a]\nh\n' });
    expect(inv.hostVars('solo')).toEqual({ inventory_hostname: 'solo', group_names: ['ungrouped'] });
    expect(inv.hostVars('h')['group_names']).toEqual(['a', 'b']);
  });

  it('returns a fresh copy each time', () => {
    const inv = load({ hosts: '[web]\nweb1\n', 'group_vars/web.yml': 'list: [1]\n' });
    (inv.hostVars('web1')['list'] as number[]).push(2);
    expect(inv.hostVars('web1')['list']).toEqual([1]);
  });

  it('rejects an unknown host', () => {
    const inv = load({ hosts: 'h\n' });
    expect(inv.groupsOf('nope')).toEqual([]);
    const err = thrown(() => inv.hostVars('nope'));
    expect(err).toBeInstanceOf(FleetError);
    expect((err as FleetError).kind).toBe('inventory');
  });
});
