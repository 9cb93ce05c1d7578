import { describe, expect, it } from 'vitest';
import { FleetError } from '../../../engine/errors.ts';
import { loadInventory, selectHosts } from '../../../engine/inventory/index.ts';
import { thrown, writeInventory } from './tree.ts';

// Declaration order differs from name order on purpose, to prove results follow the inventory.
const inv = loadInventory(
  writeInventory(`
lonely
[web]
web2
web1
web10
[db]
db1
db2
[staging]
web10
db2
[prod:children]
web
db
[webapp]
app1
`),
);

describe('selectHosts', () => {
  it.each<[string, string[]]>([
    ['all', ['lonely', 'web2', 'web1', 'web10', 'db1', 'db2', 'app1']],
    ['*', ['lonely', 'web2', 'web1', 'web10', 'db1', 'db2', 'app1']],
    ['web', ['web2', 'web1', 'web10']],
    ['prod', ['web2', 'web1', 'web10', 'db1', 'db2']],
    ['ungrouped', ['lonely']],
    ['db1', ['db1']],
    ['web1?', ['web10']],
    ['web*', ['web2', 'web1', 'web10', 'app1']],
    ['db[!1]', ['db2']],
    ['~web\\d$', ['web2', 'web1']],
    ['~(db|app)', ['db1', 'db2', 'app1']],
    ['~(?P<kind>web)\\d{2}\\Z', ['web10']],
    ['db1:web1', ['web1', 'db1']],
    ['db1,web1', ['web1', 'db1']],
    ['db1, web1 ,', ['web1', 'db1']],
    ['prod:!staging', ['web2', 'web1', 'db1']],
    ['prod:&staging', ['web10', 'db2']],
    ['!staging', ['lonely', 'web2', 'web1', 'db1', 'app1']],
    ['&staging', ['web10', 'db2']],
    ['!staging:web', ['web2', 'web1']],
    ['web:&staging:db:!db2', ['web10']],
    ['web:web1:prod', ['web2', 'web1', 'web10', 'db1', 'db2']],
    ['web[0]', ['web2']],
    ['web[-1]', ['web10']],
    ['web[1:]', ['web1', 'web10']],
    ['prod[0:1]', ['web2', 'web1']],
    ['web[9]', []],
    ['nothing', []],
    ['nothing*:!web', []],
  ])('%s', (pattern, expected) => {
    expect(selectHosts(inv, pattern)).toEqual(expected);
  });

  it.each<[string, RegExp]>([
    ['', /empty host pattern/],
    [' , ', /empty host pattern/],
    ['web:!', /'!' must be followed/],
    ['&', /'&' must be followed/],
    ['!!web', /only one of/],
    ['~web(', /bad regular expression/],
    ['~(?>w)', /atomic group .* neither RE2 nor the backtracking engine/],
    ['web[1', /unclosed '\['/],
    ['web db', /whitespace/],
  ])('%j is a malformed pattern', (pattern, message) => {
    const err = thrown(() => selectHosts(inv, pattern));
    expect(err).toBeInstanceOf(FleetError);
    expect((err as FleetError).kind).toBe('inventory');
    expect((err as FleetError).message).toMatch(message);
  });

  it('matches a backtracking ~regex against a long host name at once', { timeout: 10_000 }, () => {
    const long = loadInventory(writeInventory(`${'a'.repeat(40)}b\n${'a'.repeat(40)}\n`));
    expect(selectHosts(long, '~(a+)+$')).toEqual(['a'.repeat(40)]);
  });

  it('matches a many-star glob against long host names at once, with fnmatch semantics', { timeout: 10_000 }, () => {
    const names = [`${'a'.repeat(60)}`, `${'a'.repeat(59)}b`, 'web-1.example/x', 'web-2.example/x'];
    const inv = loadInventory(writeInventory(`${names.join('\n')}\n`));
    expect(selectHosts(inv, '*a*a*a*a*a*a*a*a*a*a*a*a*b')).toEqual([names[1]]);
    expect(selectHosts(inv, 'web-?.*/x')).toEqual(['web-1.example/x', 'web-2.example/x']);
    expect(selectHosts(inv, 'web-[!2].*')).toEqual(['web-1.example/x']);
  });

  it('prefers a host over a group of the same name, as Ansible does', () => {
    const clash = loadInventory(writeInventory('[db]\ndb\ndb1\n'));
    expect(selectHosts(clash, 'db')).toEqual(['db']);
    expect(selectHosts(clash, 'db*')).toEqual(['db', 'db1']);
  });

  it('keeps colons of an IPv6 host name instead of splitting on them', () => {
    const v6 = loadInventory(writeInventory('fe80::1\n[g]\nfe80::2\n'));
    expect(selectHosts(v6, 'fe80::1')).toEqual(['fe80::1']);
    expect(selectHosts(v6, 'fe80::2')).toEqual(['fe80::2']);
  });
});
