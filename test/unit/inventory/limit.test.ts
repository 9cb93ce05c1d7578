import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FleetError } from '../../../engine/errors.ts';
import { limitHosts, loadInventory, selectHosts } from '../../../engine/inventory/index.ts';
import { thrown, writeInventory, writeTree } from './tree.ts';

const inv = loadInventory(writeInventory('[web]\nweb1\nweb2\nweb3\n[db]\ndb1\ndb2\n'));
const all = selectHosts(inv, 'all');

describe('limitHosts', () => {
  it('intersects the hosts with the limit pattern, keeping their order', () => {
    expect(limitHosts(inv, all, 'db:web2')).toEqual(['web2', 'db1', 'db2']);
    expect(limitHosts(inv, ['db2', 'web1'], 'all')).toEqual(['db2', 'web1']);
    expect(limitHosts(inv, selectHosts(inv, 'web'), 'db')).toEqual([]);
  });

  it('treats a limit made only of exclusions as all-but', () => {
    expect(limitHosts(inv, all, '!web')).toEqual(['db1', 'db2']);
  });

  it('reads @file relative to the cwd: one pattern per line, blank lines and # comments ignored', () => {
    const dir = writeTree({ 'retry.txt': '# failed last time\nweb3\n\n  db1  \n#db2\n' });
    const rel = relative(process.cwd(), join(dir, 'retry.txt'));
    expect(limitHosts(inv, all, `@${rel}`)).toEqual(['web3', 'db1']);
    expect(limitHosts(inv, all, `@${rel}:web1`)).toEqual(['web1', 'web3', 'db1']);
  });

  it('limits to nothing when the file lists nothing', () => {
    const dir = writeTree({ empty: '# nobody\n\n' });
    expect(limitHosts(inv, all, `@${join(dir, 'empty')}`)).toEqual([]);
  });

  it('reports a bad pattern in the file at its line and column', () => {
    const dir = writeTree({ bad: 'web1\n\n   ~(\n' });
    const err = thrown(() => limitHosts(inv, all, `@${join(dir, 'bad')}`)) as FleetError;
    expect(err.kind).toBe('inventory');
    expect(err.location).toEqual({ file: join(dir, 'bad'), line: 3, column: 4 });
  });

  it('reports a missing limit file as an argument error', () => {
    const err = thrown(() => limitHosts(inv, all, '@/nonexistent/fleetplay-limit'));
    expect(err).toBeInstanceOf(FleetError);
    expect((err as FleetError).kind).toBe('arguments');
    expect((err as FleetError).message).toMatch(/cannot read limit file \/nonexistent\/fleetplay-limit: ENOENT/);
  });

  it('rejects a malformed limit pattern', () => {
    expect((thrown(() => limitHosts(inv, all, 'web:!')) as FleetError).kind).toBe('inventory');
  });
});
