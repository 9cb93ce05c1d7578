import { describe, expect, it } from 'vitest';
import { FleetError } from '../../engine/errors.ts';
import { renderString, renderValue, scopeOf } from '../../engine/template/render.ts';

const where = { file: 'play.yml', line: 12, column: 7 };
const render = (t: string, vars: Record<string, unknown>) => renderString(t, vars, where);
const failure = (fn: () => unknown): FleetError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof FleetError) return err;
    throw err;
  }
  throw new Error('expected a FleetError');
};

describe('template strictness', () => {
  it('fails on a missing variable, naming it and the task location', () => {
    const err = failure(() => render('port={{ port }}', {}));
    expect(err.message).toBe("undefined variable 'port'");
    expect(err.location).toEqual(where);
  });

  it('names the full dotted path of a missing nested variable', () => {
    expect(failure(() => render('{{ r.stat.exists }}', { r: { stat: {} } })).message).toBe("undefined variable 'r.stat.exists'");
  });

  it('does not HTML-escape', () => {
    expect(render('{{ s }}', { s: `<a href="x">&'</a>` })).toBe(`<a href="x">&'</a>`);
  });

  it('cannot reach the prototype chain', () => {
    expect(failure(() => render('{{ constructor }}', {})).message).toMatch(/undefined variable 'constructor'/);
    expect(failure(() => render('{{ o.__proto__ }}', { o: {} })).message).toMatch(/undefined variable/);
    expect(failure(() => render('{{ o.constructor.name }}', { o: {} })).message).toMatch(/undefined variable/);
    expect(render('{{lookup o "constructor"}}', { o: {} })).toBe('');
    expect(failure(() => render('{{#with o}}{{toString}}{{/with}}', { o: {} })).message).toMatch(/undefined variable 'toString'/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('renders values lazily and recursively, like Ansible vars', () => {
    const vars = scopeOf({ base: 'https://example.test', url: '{{ base }}/v{{ version }}', version: '1.7', unused: '{{ nothing }}' }, where);
    expect(render('{{ url }}', vars)).toBe('https://example.test/v1.7');
    expect(failure(() => render('{{ unused }}', vars)).message).toBe("undefined variable 'nothing'");
  });

  it('detects a variable that refers to itself', () => {
    const vars = scopeOf({ a: '{{ b }}', b: '{{ a }}' }, where);
    expect(failure(() => render('{{ a }}', vars)).message).toMatch(/refers to itself/);
  });

  it('keeps the native type of a bare reference', () => {
    expect(renderValue('{{ pkgs }}', { pkgs: ['a', 'b'] }, where)).toEqual(['a', 'b']);
    expect(renderValue({ n: '{{ n }}', s: 'x{{ n }}' }, { n: 3 }, where)).toEqual({ n: 3, s: 'x3' });
  });

  it('provides the documented helpers', () => {
    const vars = { xs: ['a', 'b'], name: 'Node', p: '/usr/local/bin/ctr', d: { b: 1, a: 2 } };
    expect(render('{{default missing "fallback"}}', vars)).toBe('fallback');
    expect(render('{{default name "fallback"}}', vars)).toBe('Node');
    expect(render('{{join xs ", "}}', vars)).toBe('a, b');
    expect(render('{{lower name}} {{upper name}}', vars)).toBe('node NODE');
    expect(render('{{basename p}} {{dirname p}}', vars)).toBe('ctr /usr/local/bin');
    expect(render('{{to_json d}}', vars)).toBe('{"b":1,"a":2}');
    expect(render('{{to_nice_json d}}', vars)).toBe('{\n    "a": 2,\n    "b": 1\n}');
  });

  it('explains Jinja filter syntax instead of a bare parse error', () => {
    expect(failure(() => render('{{ x | default("y") }}', {})).message).toMatch(/written as Handlebars helpers/);
  });
});

describe('bare references', () => {
  it('keeps surrounding text, including a trailing newline', () => {
    expect(renderValue('{{ msg }}\n', { msg: 'x' }, where)).toBe('x\n');
    expect(renderValue(' {{ n }}', { n: 1 }, where)).toBe(' 1');
  });
});

describe('version helper', () => {
  it('compares dotted versions numerically', () => {
    expect(render('{{#if (version v "2.0" ">=")}}v2{{else}}v1{{/if}}', { v: '1.7.24' })).toBe('v1');
    expect(render('{{#if (version v "2.0" ">=")}}v2{{else}}v1{{/if}}', { v: '2.0.0' })).toBe('v2');
    expect(render('{{#if (version v "1.10" ">")}}y{{else}}n{{/if}}', { v: '1.9' })).toBe('n');
  });
});

describe('helpers never shadow variables', () => {
  it('reads {{ version }} as the variable even though a version helper exists', () => {
    expect(render('v{{ version }} {{ join }}', { version: '1.7', join: 'j' })).toBe('v1.7 j');
    expect(() => render('{{ version }}', {})).toThrow(/undefined variable 'version'/);
  });
});
