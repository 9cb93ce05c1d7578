// A variable whose template reads an undefined variable is undefined for `is defined` and `| default`
// (Ansible's lazy templating since 2.14, template target lazy_eval.yml); using it still fails, naming the
// missing variable.
import { describe, expect, it } from 'vitest';
import { evaluate, parseExpression } from '../../../engine/expr/index.ts';
import { scopeOf } from '../../../engine/template/render.ts';

const where = { file: 'play.yml', line: 1, column: 1 };
const vars = () => scopeOf({ deep: '{{ missing }}', nested: { a: '{{ nope }}' }, ok: '{{ 1 + 1 }}' }, where);
const ev = (source: string) => evaluate(parseExpression(source), vars());

describe('lazily undefined variables', () => {
  it('are undefined for tests and default, through attributes and indexes too', () => {
    expect(ev('deep is undefined')).toBe(true);
    expect(ev('deep is defined')).toBe(false);
    expect(ev("deep | default('d')")).toBe('d');
    expect(ev('nested.a is undefined')).toBe(true);
    expect(ev("nested['a'] | default(3)")).toBe(3);
    expect(ev('ok is defined')).toBe(true);
  });

  it('still fail when used, with the missing name', () => {
    expect(() => ev('deep ~ "x"')).toThrow(/'missing' is undefined/);
  });
});
