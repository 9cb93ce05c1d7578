// Jinja's `*list` and `**mapping` in call arguments, with the order its call grammar allows.
import { describe, expect, it } from 'vitest';
import { render } from '../../../engine/expr/ast.ts';
import { parseExpression } from '../../../engine/expr/index.ts';
import { ev, failure } from './support.ts';

const calls: Array<{ name: string; terms: readonly unknown[]; options: Record<string, unknown>; wantList: boolean }> = [];
const context = {
  lookup: (name: string, terms: readonly unknown[], options: ReadonlyMap<string, unknown>, wantList: boolean) => {
    calls.push({ name, terms, options: Object.fromEntries(options), wantList });
    return wantList ? [...terms] : terms.join(',');
  },
};

describe('*list and **mapping in calls', () => {
  it('spreads a list after the positional arguments, also after a named one (Jinja allows f(a=1, *xs))', () => {
    calls.length = 0;
    expect(ev("lookup('list', wantlist=True, *phrases)", { phrases: ['a', 'b'] }, context)).toEqual(['a', 'b']);
    expect(ev("lookup('list', 'x', *phrases)", { phrases: ['a', 'b'] }, context)).toBe('x,a,b');
    expect(calls[0]).toEqual({ name: 'list', terms: ['a', 'b'], options: {}, wantList: true });
  });

  it('spreads a mapping into the named arguments', () => {
    calls.length = 0;
    expect(ev("lookup('list', 'x', **opts)", { opts: { wantlist: true, other: 1 } }, context)).toEqual(['x']);
    expect(calls[0]?.options).toEqual({ other: 1 });
  });

  it('binds spread values to filter parameters and checks the count when evaluated', () => {
    expect(ev('x | join(*seps)', { x: ['a', 'b'], seps: ['-'] })).toBe('a-b');
    expect(ev('x | join(**o)', { x: ['a', 'b'], o: { d: '+' } })).toBe('a+b');
    expect(failure(() => ev('x | join(*seps)', { x: ['a'], seps: ['-', '+', '*'] })).message).toMatch(/takes at most 1 argument, got 3/);
    expect(ev('range(*r)', { r: [1, 4] })).toEqual([1, 2, 3]);
  });

  it('iterates a text and a mapping as Python does, and refuses what is not iterable', () => {
    expect(ev("'{}-{}'.format(*m)", { m: { k: 1, j: 2 } })).toBe('k-j');
    expect(ev("'{}{}'.format(*x)", { x: 'ab' })).toBe('ab');
    expect(failure(() => ev('range(*n)', { n: 3 })).message).toMatch(/argument after \* must be an iterable, not number/);
    expect(failure(() => ev('dict(**n)', { n: [1] })).message).toMatch(/argument after \*\* must be a mapping, not list/);
    expect(failure(() => ev('dict(a=1, **n)', { n: { a: 2 } })).message).toMatch(/multiple values for keyword argument 'a'/);
  });

  it('refuses the orders Jinja refuses', () => {
    expect(failure(() => parseExpression('range(*a, 1)')).message).toMatch(/positional argument after a '\*' argument/);
    expect(failure(() => parseExpression('range(*a, *b)')).message).toMatch(/only one/);
    expect(failure(() => parseExpression('dict(**a, b=1)')).message).toMatch(/named argument after a '\*\*' argument/);
    expect(failure(() => parseExpression('dict(**a, *b)')).message).toMatch(/only one/);
    expect(failure(() => parseExpression('dict(a=1, 2)')).message).toMatch(/positional argument after a named argument/);
  });

  it('prints spreads back', () => {
    expect(render(parseExpression('lookup("l", w=1, *p, **o)'))).toBe("lookup('l', w=1, *p, **o)");
  });
});
