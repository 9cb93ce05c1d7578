import { describe, expect, it } from 'vitest';
import { expandHostPattern } from '../../../engine/inventory/host-pattern.ts';

describe('expandHostPattern', () => {
  it.each<[string, ReturnType<typeof expandHostPattern>]>([
    ['web1', { hosts: ['web1'] }],
    ['web1:2222', { hosts: ['web1'], port: 2222 }],
    ['10.0.0.1:22', { hosts: ['10.0.0.1'], port: 22 }],
    ['fe80::1', { hosts: ['fe80::1'] }],
    ['[fe80::1]:2200', { hosts: ['fe80::1'], port: 2200 }],
    ['n[01:03]', { hosts: ['n01', 'n02', 'n03'] }],
    ['n[9:11]', { hosts: ['n9', 'n10', 'n11'] }],
    ['n[:2]', { hosts: ['n0', 'n1', 'n2'] }],
    ['n[0:10:5]', { hosts: ['n0', 'n5', 'n10'] }],
    ['n[001:010:4]', { hosts: ['n001', 'n005', 'n009'] }],
    ['[a:c].lab', { hosts: ['a.lab', 'b.lab', 'c.lab'] }],
    ['x[y:B:2]', { hosts: ['xy', 'xA'] }],
    ['h[1:2]-[a:b]:22', { hosts: ['h1-a', 'h1-b', 'h2-a', 'h2-b'], port: 22 }],
  ])('%s', (entry, expected) => {
    expect(expandHostPattern(entry)).toEqual(expected);
  });

  it.each<[string, RegExp]>([
    ['web1:', /reserved for a port/],
    ['web1:ssh', /invalid port 'ssh'/],
    ['n[1]', /begin:end/],
    ['n[1:2:3:4]', /begin:end/],
    ['n[1:]', /no end value/],
    ['n[3:1]', /begin <= end/],
    ['n[c:a]', /begin <= end/],
    ['n[01:5]', /equal width/],
    ['n[a:5]', /numbers or single letters/],
    ['n[1:5:x]', /positive integer step/],
    ['n[1:2', /'\[' without '\]'/],
    ['n1]', /'\]' without '\['/],
    ['n[1:1000000]', /more than 100000 items/],
    ['---', /YAML/],
  ])('%s is an error', (entry, message) => {
    const result = expandHostPattern(entry);
    expect('error' in result && result.error).toMatch(message);
  });
});
