// Jinja2 templates cannot reach prototypes, run code, change the caller's variables or run away: each
// attempt is refused with a located error, and loops, output, nesting and includes are bounded.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FleetError } from '../../../engine/errors.ts';
import { renderJinja } from '../../../engine/jinja/index.ts';
import { MAX_JINJA_CALL_DEPTH, MAX_JINJA_NESTING, MAX_JINJA_OUTPUT, MAX_JINJA_TAGS, MAX_JINJA_WORK } from '../../../engine/jinja/limits.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-jinja-safety-'));
const FILE = path.join(dir, 'main.j2');

function failure(template: string, vars: Record<string, unknown> = {}): string {
  try {
    renderJinja(template, vars, FILE);
  } catch (err) {
    if (!(err instanceof FleetError)) throw err;
    expect(err.location?.file).toBeDefined();
    return err.message;
  }
  throw new Error(`rendered without an error: ${template.slice(0, 80)}`);
}

describe('no prototype access, no code', () => {
  it.each([
    ['a dunder attribute', '{{ xs.__class__ }}', "access to '__class__' is not allowed"],
    ['constructor of a value', '{{ xs.constructor }}', "access to 'constructor' is not allowed"],
    ['constructor as a variable', '{{ constructor }}', "'constructor' is undefined"],
    ['an Object.prototype method', '{{ hasOwnProperty }}', "'hasOwnProperty' is undefined"],
    ['a JavaScript property of a string', '{{ s.length }}', "'s.length' is undefined"],
    ['binding __proto__', '{% set __proto__ = 1 %}', "'__proto__' cannot be used as a name"],
    ['binding constructor', '{% set constructor = 1 %}', "'constructor' cannot be used as a name"],
    ['a loop variable named prototype', '{% for prototype in xs %}{% endfor %}', "'prototype' cannot be used as a name"],
    ['a macro named constructor', '{% macro constructor() %}{% endmacro %}', "'constructor' cannot be used as a name"],
    ['a namespace attribute __proto__', '{{ namespace(__proto__=1) }}', "'__proto__' cannot be a namespace attribute"],
    ['setting an attribute of a variable', '{% set d.k = 2 %}', "cannot set 'd.k': 'd' is not a namespace()"],
    [
      'appending to a variable (only lists the template built may change)',
      '{% set _ = xs.append(1) %}',
      /can only change a list or mapping made by/,
    ],
    [
      'updating a variable through a set alias',
      '{% set m = d %}{% set _ = m.update({"k": 2}) %}',
      /can only change a list or mapping made by/,
    ],
    ['calling a function that is not a macro', '{{ open("/etc/passwd") }}', /not allowed|unknown function/],
    ['a lookup when the caller gives none', "{{ lookup('pipe', 'id') }}", /not allowed|not available/],
    ['calling a method of a JavaScript value', '{{ s.constructor("x") }}', "access to 'constructor' is not allowed"],
  ])('refuses %s', (_what, template, message) => {
    const got = failure(template, { xs: ['a'], s: 'str', d: { k: 1 } });
    if (typeof message === 'string') expect(got).toBe(message);
    else expect(got).toMatch(message);
  });

  it("never changes the caller's variables", () => {
    const vars = { d: { k: 1 }, xs: ['a'] };
    const out = renderJinja('{% set d = 5 %}{% set xs = [] %}{% set new = 1 %}{{ d }}{{ xs }}{{ new }}', vars, FILE);
    expect(out).toBe('5[]1');
    expect(vars).toEqual({ d: { k: 1 }, xs: ['a'] });
  });

  it("runs lookups only through the caller's hook", () => {
    const calls: string[] = [];
    const lookup = (name: string, terms: readonly unknown[]) => {
      calls.push(`${name}:${terms.join(',')}`);
      return `<${name}>`;
    };
    const out = renderJinja("{% for v in ['A', 'B'] %}{{ lookup('env', v) }}{% endfor %}", {}, FILE, { context: { lookup } });
    expect(out).toBe('<env><env>');
    expect(calls).toEqual(['env:A', 'env:B']);
  });

  it('renders templated variables lazily, as Ansible does', () => {
    expect(renderJinja('{{ b }}', { a: 'x', b: '{{ a }}-y' }, FILE)).toBe('x-y');
  });
});

describe('limits', () => {
  it('stops loops that do too much work', () => {
    const big = Array.from({ length: 1000 }, (_, i) => i);
    expect(failure('{% for a in big %}{% for b in big %}{% endfor %}{% endfor %}', { big })).toMatch(
      new RegExp(`^template does too much work: .* over ${MAX_JINJA_WORK} units$`),
    );
  });

  it('stops output that grows too large', () => {
    const big = Array.from({ length: 100 }, (_, i) => i);
    const chunk = 'x'.repeat(1024 * 1024);
    expect(failure(`{% for a in big %}${chunk}{% endfor %}`, { big })).toBe(`template output is over ${MAX_JINJA_OUTPUT} characters`);
    // A printed value costs work by its length (as in the Handlebars renderer), so big values stop sooner.
    expect(failure('{% for a in big %}{{ chunk }}{% endfor %}', { big, chunk })).toMatch(/^template does too much work/);
  });

  it('refuses blocks nested too deeply', () => {
    const deep = `${'{% if 1 %}'.repeat(MAX_JINJA_NESTING + 1)}x${'{% endif %}'.repeat(MAX_JINJA_NESTING + 1)}`;
    expect(failure(deep)).toBe(`blocks nest more than ${MAX_JINJA_NESTING} deep`);
    const fine = `${'{% if 1 %}'.repeat(MAX_JINJA_NESTING)}x${'{% endif %}'.repeat(MAX_JINJA_NESTING)}`;
    expect(renderJinja(fine, {}, FILE)).toBe('x');
  });

  it('refuses a template with too many tags', () => {
    expect(failure('{{ 1 }}'.repeat(MAX_JINJA_TAGS + 1))).toBe(`template has more than ${MAX_JINJA_TAGS} tags`);
  });

  it('stops a template that includes itself', () => {
    const self = path.join(dir, 'self.j2');
    writeFileSync(self, 'x{% include "self.j2" %}');
    expect(failure('{% include "self.j2" %}')).toBe(
      `includes and macro calls nest more than ${MAX_JINJA_CALL_DEPTH} deep (does a template include itself?)`,
    );
  });

  it('stops a macro that calls itself', () => {
    expect(failure('{% macro m(n) %}{{ m(n) }}{% endmacro %}{{ m(1) }}')).toBe(
      `includes and macro calls nest more than ${MAX_JINJA_CALL_DEPTH} deep (does a template include itself?)`,
    );
  });
});
