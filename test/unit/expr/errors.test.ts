// Syntax errors and unknown names in the new syntax come back as ExpressionErrors with the offset of the
// problem, so callers can point at file:line:col.
import { describe, expect, it } from 'vitest';
import { parseExpression } from '../../../engine/expr/index.ts';
import { ev, failure } from './support.ts';

describe('syntax errors carry the offset of the problem', () => {
  it.each<[string, string, number]>([
    ["'a' if", 'unexpected end of expression at column 7', 6],
    ["'a' if b else", 'unexpected end of expression at column 14', 13],
    ["'a' else 'b'", "unexpected 'else' at column 5", 4],
    ['x[1:2:3:4]', "expected ']' at column 8", 7],
    ['x[1:2', "expected ']' at column 6", 5],
    ['x[]', 'expected an index or a slice at column 3', 2],
    ['2 ** ', 'unexpected end of expression at column 5', 4],
    ['2 *** 3', "unexpected '*' at column 5", 4],
    ['7 /// 2', "unexpected '/' at column 5", 4],
    ['x | ansible.builtin.', "expected a filter name after '|' at column 21", 20],
    ['x | ansible.builtin.nope', "unknown filter 'ansible.builtin.nope' at column 5", 4],
    ['x.nope()', "unknown method 'nope' at column 3", 2],
    ['x.split(', 'unexpected end of expression at column 9', 8],
    ['range(1, 2, 3, 4)', 'range() takes 1 to 3 arguments at column 1', 0],
    ['range(x=1)', 'range() takes no keyword arguments at column 1', 0],
    ['lookup()', 'lookup() needs the name of a lookup plugin at column 1', 0],
    ['0x', 'invalid number at column 1', 0],
    ['1__0', 'invalid number at column 1', 0],
    ['a = 1', "unexpected '=' at column 3", 2],
    ["x.split(sep=',', 1)", 'positional argument after a named argument at column 18', 17],
    ['{{ x }}', "expected ':' at column 6", 5],
    ["'a' if x\nelse", 'unexpected end of expression at line 2, column 5', 13],
  ])('%j', (source, message, offset) => {
    const err = failure(() => parseExpression(source));
    expect(err.message).toBe(message);
    expect(err.offset).toBe(offset);
    expect(err.excerpt).toContain('^');
  });
});

describe('unknown names and bad values are located too', () => {
  it.each<[string, string, number]>([
    ["'v' ~ nope", "'nope' is undefined", 6],
    ["'x' if flag else nope.attr", "'nope' is undefined", 17],
    ['[1, 2][nope:]', "'nope' is undefined", 7],
    ['nope.split()', "'nope' is undefined", 0],
    ["'a'.split(nope)", "'nope' is undefined", 10],
    ['range(nope)', "'nope' is undefined", 6],
    ['1 if nope else 2', "'nope' is undefined", 5],
    ["'%d' % 'x'", '%d format: a number is required, not string', 5],
    ["'s'.zfill('x')", 'zfill: width must be an integer, not string', 3],
  ])('%j', (source, message, offset) => {
    const err = failure(() => ev(source, { flag: false }));
    expect(err.message).toBe(message);
    expect(err.offset).toBe(offset);
  });
});

describe('an unknown filter', () => {
  it('names the nearest known filter when one is close, and none when nothing is', () => {
    const message = (source: string): string => {
      try {
        parseExpression(source);
      } catch (err) {
        return (err as Error).message;
      }
      return 'parsed';
    };
    expect(message('x | defualt(1)')).toBe("unknown filter 'defualt' (did you mean 'default'?) at column 5");
    expect(message('x | ansible.builtin.to_jsn')).toContain("(did you mean 'to_json'?)");
    expect(message('x | qqqqqq')).toBe("unknown filter 'qqqqqq' at column 5");
  });
});
