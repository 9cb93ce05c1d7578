import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FleetError } from '../../../engine/errors.ts';
import { loadInventory } from '../../../engine/inventory/index.ts';
import { thrown, writeTree } from './tree.ts';

describe('a directory as inventory', () => {
  it('loads every inventory file in lexical order, merges them, and reads group_vars/host_vars inside it', () => {
    const dir = writeTree({
      '01-static': '[web]\nweb1 a=1\n',
      '02-cloud.yml': 'all:\n  children:\n    web:\n      hosts:\n        web2:\n        web1:\n          b: 2\n',
      'sub/03-more.ini': '[db]\ndb1\n',
      'group_vars/web.yml': 'g: web\n',
      'host_vars/db1': 'h: db1\n',
      '.hidden': '[hidden]\nh1\n',
      'notes.md': '[md]\nm1\n',
      'old~': '[tilde]\nt1\n',
      'x.retry': 'r1\n',
      'ansible.cfg': '[defaults]\nx=1\n',
    });
    const inv = loadInventory(dir);
    expect(inv.source).toBe(resolve(dir));
    expect([...inv.hosts.keys()]).toEqual(['web1', 'web2', 'db1']);
    expect([...inv.groups.keys()]).toEqual(['all', 'ungrouped', 'web', 'db']);
    expect(inv.hosts.get('web1')).toEqual({ name: 'web1', vars: { a: 1, b: 2 } });
    expect(inv.hostVars('web2')).toEqual({ g: 'web', inventory_hostname: 'web2', group_names: ['web'] });
    expect(inv.hostVars('db1')).toEqual({ h: 'db1', inventory_hostname: 'db1', group_names: ['db'] });
  });

  it('lets a later file satisfy a child group that an earlier file declared', () => {
    const inv = loadInventory(writeTree({ a: '[kids]\nk1\n', b: '[parents:children]\nkids\n' }));
    expect(inv.groupsOf('k1')).toEqual(['all', 'parents', 'kids']);
  });

  it('reports errors with the path of the file inside the directory', () => {
    const dir = writeTree({ good: '[a]\nh\n', 'bad.yml': 'all:\n  hostz: {}\n' });
    const err = thrown(() => loadInventory(dir)) as FleetError;
    expect(err.location).toEqual({ file: join(dir, 'bad.yml'), line: 2, column: 3 });
  });

  it('reports a missing inventory path', () => {
    const err = thrown(() => loadInventory(join(writeTree({}), 'nope')));
    expect(err).toBeInstanceOf(FleetError);
    expect((err as FleetError).message).toMatch(/cannot read inventory .*nope: ENOENT/);
  });
});

describe('format detection of a single file', () => {
  it.each<[string, string, string[]]>([
    ['hosts', 'web1:2222 x=1\n', ['web1']],
    ['hosts', '; c\n[g]\nh\n', ['h']],
    ['hosts', '---\nall:\n  hosts:\n    y1:\n', ['y1']],
    ['inv.ini', 'i1\n', ['i1']],
    ['inv.json', '{"all": {"hosts": {"j1": null}}}', ['j1']],
  ])('%s containing %j', (name, content, hosts) => {
    expect([...loadInventory(join(writeTree({ [name]: content }), name)).hosts.keys()]).toEqual(hosts);
  });
});
