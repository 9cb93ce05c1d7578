import { describe, expect, it } from 'vitest';
import { FleetError } from '../../../engine/errors.ts';
import { loadInventory } from '../../../engine/inventory/index.ts';
import type { Inventory } from '../../../engine/types.ts';
import { thrown, writeInventory } from './tree.ts';

const load = (text: string): Inventory => loadInventory(writeInventory(text));
const groupsAsObject = (inv: Inventory): Record<string, unknown> => Object.fromEntries(inv.groups);

function errorAt(text: string): { message: string; line: number; column: number; kind: string } {
  const file = writeInventory(text);
  const err = thrown(() => loadInventory(file));
  expect(err).toBeInstanceOf(FleetError);
  const e = err as FleetError;
  expect(e.location?.file).toBe(file);
  return { message: e.message, line: e.location?.line ?? 0, column: e.location?.column ?? 0, kind: e.kind };
}

describe('INI inventory sections', () => {
  it('reads groups, children, vars and the implicit all/ungrouped groups', () => {
    const inv = load(`
# a comment
; another comment
lonely

[web]
web1
web2

[db]
db1

[prod:children]
web
db

[prod:vars]
env=production
`);
    expect([...inv.hosts.keys()]).toEqual(['lonely', 'web1', 'web2', 'db1']);
    expect(groupsAsObject(inv)).toEqual({
      all: { name: 'all', hosts: [], children: ['ungrouped', 'prod'], vars: {} },
      ungrouped: { name: 'ungrouped', hosts: ['lonely'], children: [], vars: {} },
      web: { name: 'web', hosts: ['web1', 'web2'], children: [], vars: {} },
      db: { name: 'db', hosts: ['db1'], children: [], vars: {} },
      prod: { name: 'prod', hosts: [], children: ['web', 'db'], vars: { env: 'production' } },
    });
    expect(inv.groupsOf('web1')).toEqual(['all', 'prod', 'web']);
    expect(inv.groupsOf('lonely')).toEqual(['all', 'ungrouped']);
  });

  it('drops a host from ungrouped once a group holds it, and accepts [group:vars] before [group]', () => {
    const inv = load(`
h1
h2
[web:vars]
port=80
[web]
h1
`);
    expect(inv.groups.get('ungrouped')?.hosts).toEqual(['h2']);
    expect(inv.groups.get('web')).toEqual({ name: 'web', hosts: ['h1'], children: [], vars: { port: 80 } });
  });

  it('lets a child group be declared after the [parent:children] section that names it', () => {
    const inv = load(`
[parent:children]
kid
[kid]
k1
`);
    expect(inv.groups.get('parent')?.children).toEqual(['kid']);
    expect(inv.groupsOf('k1')).toEqual(['all', 'parent', 'kid']);
  });

  it('merges repeated host lines: later variables win, the first position is kept', () => {
    const inv = load(`
[a]
h1 x=1 y=1
h2
[b]
h1 y=2
`);
    expect([...inv.hosts.keys()]).toEqual(['h1', 'h2']);
    expect(inv.hosts.get('h1')).toEqual({ name: 'h1', vars: { x: 1, y: 2 } });
  });
});

describe('INI inline host variables', () => {
  it('splits like a POSIX shell and types values as Python literals', () => {
    const inv = load(
      `h1 motd="hello world" who='a b' n=5 quoted="'5'" flag=True none=None text=yes ver=1.10 ip=10.0.0.1 ` +
        `zeros=007 list="[1, 'a']" dict="{'k': 2}" esc=a\\ b # trailing comment x=1\n`,
    );
    expect(inv.hosts.get('h1')?.vars).toEqual({
      motd: 'hello world',
      who: 'a b',
      n: 5,
      quoted: '5',
      flag: true,
      none: null,
      text: 'yes',
      ver: 1.1,
      ip: '10.0.0.1',
      zeros: '007',
      list: [1, 'a'],
      dict: { k: 2 },
      esc: 'a b',
    });
  });

  it('turns host:port into ansible_port, which an inline ansible_port overrides', () => {
    const inv = load('a.example.com:2222\nb.example.com:2222 ansible_port=22\n[v6]\n[fe80::1]:2200\n');
    expect(inv.hosts.get('a.example.com')?.vars).toEqual({ ansible_port: 2222 });
    expect(inv.hosts.get('b.example.com')?.vars).toEqual({ ansible_port: 22 });
    expect(inv.hosts.get('fe80::1')?.vars).toEqual({ ansible_port: 2200 });
  });
});

describe('INI [group:vars] values', () => {
  it('takes everything after the first = and types it like Ansible (Python literal, else the raw text)', () => {
    const inv = load(`
[g]
h
[g:vars]
count = 23 # a comment is ignored when the value is a literal
upper=FALSE
python_bool=False
quoted = "spaced value"
plain = hello # but kept when it is not
url=http://x/?a=b
empty=
`);
    expect(inv.groups.get('g')?.vars).toEqual({
      count: 23,
      upper: 'FALSE',
      python_bool: false,
      quoted: 'spaced value',
      plain: 'hello # but kept when it is not',
      url: 'http://x/?a=b',
      empty: '',
    });
  });
});

describe('INI host ranges', () => {
  it('expands zero-padded, stepped, letter and repeated ranges', () => {
    const inv = load(`
[padded]
node[08:11].lab
[stride]
s[1:7:3]
[letters]
db-[a:c]
[grid]
r[1:2]c[a:b]
`);
    expect(inv.groups.get('padded')?.hosts).toEqual(['node08.lab', 'node09.lab', 'node10.lab', 'node11.lab']);
    expect(inv.groups.get('stride')?.hosts).toEqual(['s1', 's4', 's7']);
    expect(inv.groups.get('letters')?.hosts).toEqual(['db-a', 'db-b', 'db-c']);
    expect(inv.groups.get('grid')?.hosts).toEqual(['r1ca', 'r1cb', 'r2ca', 'r2cb']);
  });

  it('gives every host of a range its own copy of the inline variables and port', () => {
    const inv = load('w[1:2]:2200 tags="[1]"\n');
    expect(inv.hosts.get('w1')?.vars).toEqual({ ansible_port: 2200, tags: [1] });
    expect(inv.hosts.get('w2')?.vars).toEqual({ ansible_port: 2200, tags: [1] });
    expect(inv.hosts.get('w1')?.vars['tags']).not.toBe(inv.hosts.get('w2')?.vars['tags']);
  });

  it('reports a bad range at the line and column of the host entry', () => {
    expect(errorAt('[web]\nok1\n  web[05:1]  x=1\n')).toMatchObject({ kind: 'inventory', line: 3, column: 3 });
    expect(errorAt('[web]\nweb[01:100]\n').message).toMatch(/equal width/);
    expect(errorAt('[web]\nweb[1:3:0]\n').message).toMatch(/positive integer step/);
    expect(errorAt('[web]\nweb[1:x]\n').message).toMatch(/numbers or single letters/);
    expect(errorAt('[web]\nweb[1:3\n').message).toMatch(/'\[' without '\]'/);
  });
});

describe('INI errors', () => {
  it('points at the section type of an unknown section', () => {
    expect(errorAt('h1\n\n[web:hostz]\n')).toMatchObject({ line: 3, column: 6, message: expect.stringMatching(/unknown type 'hostz'/) });
  });

  it('rejects a malformed section header', () => {
    expect(errorAt('[web servers]\n')).toMatchObject({ line: 1, column: 1, message: expect.stringMatching(/invalid section header/) });
  });

  it('points at the word that is not key=value on a host line', () => {
    expect(errorAt('[web]\nweb1 a=1 oops b=2\n')).toMatchObject({ line: 2, column: 10, message: expect.stringMatching(/'oops'/) });
  });

  it('points at an unclosed quote', () => {
    expect(errorAt('[web]\nweb1 a="open\n')).toMatchObject({ line: 2, column: 8, message: expect.stringMatching(/No closing quotation/) });
  });

  it('requires key=value in a vars section', () => {
    expect(errorAt('[g]\nh\n[g:vars]\n  novalue\n')).toMatchObject({ line: 4, column: 3 });
  });

  it('rejects [group:vars] for a group that is never declared, at that section', () => {
    expect(errorAt('h\n[ghost:vars]\na=1\n')).toMatchObject({ line: 2, column: 1, message: expect.stringMatching(/'ghost'/) });
  });

  it('rejects a child group that is never declared, at the line naming it (as Ansible does)', () => {
    expect(errorAt('[p:children]\nreal\nmissing\n[real]\nh\n')).toMatchObject({
      line: 3,
      column: 1,
      message: "section [p:children] includes group 'missing', which is never declared",
    });
  });

  it('rejects a group loop at the child line that closes it', () => {
    expect(errorAt('[a]\n[b]\n[a:children]\nb\n[b:children]\na\n')).toMatchObject({
      line: 6,
      column: 1,
      message: expect.stringMatching(/loop/),
    });
  });

  it('rejects a non-integer ansible_group_priority', () => {
    expect(errorAt('[g]\nh\n[g:vars]\nansible_group_priority=high\n')).toMatchObject({ line: 4, column: 1 });
  });

  it('includes an excerpt with a caret under the column', () => {
    const file = writeInventory('[web]\nweb1 a=1 oops\n');
    const err = thrown(() => loadInventory(file)) as FleetError;
    expect(err.excerpt).toBe('1 | [web]\n2 | web1 a=1 oops\n  |          ^\n3 | ');
  });
});
