import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FleetError } from '../../../engine/errors.ts';
import { loadInventory } from '../../../engine/inventory/index.ts';
import { thrown, writeTree } from './tree.ts';

const HOSTS = '[web]\nweb1\n';

describe('group_vars/ and host_vars/ beside an inventory file', () => {
  it('reads <name>.yml, <name>.yaml, <name>.json and extension-less files', () => {
    const dir = writeTree({
      hosts: '[web]\nweb1\n[db]\ndb1\n[cache]\nc1\n',
      'group_vars/web.yml': 'from: yml\n',
      'group_vars/db.json': '{"from": "json"}\n',
      'group_vars/cache': 'from: bare\n',
      'host_vars/web1.yaml': 'mine: yaml\n',
    });
    const inv = loadInventory(join(dir, 'hosts'));
    expect(inv.hostVars('web1')).toEqual({ from: 'yml', mine: 'yaml', inventory_hostname: 'web1', group_names: ['web'] });
    expect(inv.hostVars('db1')).toMatchObject({ from: 'json' });
    expect(inv.hostVars('c1')).toMatchObject({ from: 'bare' });
  });

  it('merges the files of a <name>/ directory in lexical order, recursing, skipping hidden, backup and other files', () => {
    const dir = writeTree({
      hosts: HOSTS,
      'group_vars/web/10-base.yml': 'a: base\nb: base\nc: base\nd: base\n',
      'group_vars/web/20-override.yaml': 'b: override\n',
      'group_vars/web/30-more/x.yml': 'c: nested\n',
      'group_vars/web/40-vault': 'd: bare\n',
      'group_vars/web/.hidden.yml': 'a: hidden\n',
      'group_vars/web/99-backup.yml~': 'a: backup\n',
      'group_vars/web/README.md': 'a: readme\n',
    });
    const vars = loadInventory(join(dir, 'hosts')).hostVars('web1');
    expect(vars).toEqual({ a: 'base', b: 'override', c: 'nested', d: 'bare', inventory_hostname: 'web1', group_names: ['web'] });
  });

  it('uses only the first match, so a <name>/ directory hides <name>.yml', () => {
    const dir = writeTree({ hosts: HOSTS, 'host_vars/web1/main.yml': 'x: dir\n', 'host_vars/web1.yml': 'x: file\ny: file\n' });
    expect(loadInventory(join(dir, 'hosts')).hostVars('web1')).toMatchObject({ x: 'dir' });
    expect(loadInventory(join(dir, 'hosts')).hostVars('web1')).not.toHaveProperty('y');
  });

  it('ignores files for unknown groups and hosts and accepts empty files', () => {
    const dir = writeTree({ hosts: HOSTS, 'group_vars/nope.yml': 'x: 1\n', 'host_vars/web1.yml': '# nothing yet\n' });
    expect(loadInventory(join(dir, 'hosts')).hostVars('web1')).toEqual({ inventory_hostname: 'web1', group_names: ['web'] });
  });

  it('keeps paths inside vars as plain strings', () => {
    const dir = writeTree({ hosts: HOSTS, 'group_vars/all.yml': 'cert: files/web.pem\nabs: /etc/x\n' });
    expect(loadInventory(join(dir, 'hosts')).hostVars('web1')).toMatchObject({ cert: 'files/web.pem', abs: '/etc/x' });
  });

  it('reports a syntax error at the vars file line and column', () => {
    const dir = writeTree({ hosts: HOSTS, 'group_vars/web/a.yml': 'ok: 1\nbad: [1, 2\n' });
    const err = thrown(() => loadInventory(join(dir, 'hosts')));
    expect(err).toBeInstanceOf(FleetError);
    expect((err as FleetError).kind).toBe('inventory');
    expect((err as FleetError).location?.file).toBe(join(dir, 'group_vars/web/a.yml'));
    expect((err as FleetError).message).toMatch(/^YAML syntax error/);
  });

  it('reports a vars file that is not a mapping at its own location', () => {
    const dir = writeTree({ hosts: HOSTS, 'host_vars/web1.yml': '# list, not map\n- a\n- b\n' });
    const err = thrown(() => loadInventory(join(dir, 'hosts'))) as FleetError;
    expect(err.location).toEqual({ file: join(dir, 'host_vars/web1.yml'), line: 2, column: 1 });
    expect(err.message).toMatch(/must be a mapping/);
  });
});
