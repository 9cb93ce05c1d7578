import { describe, expect, it, vi } from 'vitest';
import { FleetError } from '../../engine/errors.ts';
import { expectLinear } from '../support/scaling.ts';
import { renderHandlebars, renderValue, scopeOf } from '../../engine/template/render.ts';

const where = { file: 'play.yml', line: 12, column: 7 };
const render = (t: string, vars: Record<string, unknown>) => renderHandlebars(t, vars, where);
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
    expect(failure(() => render('{{lookup o "constructor"}}', { o: {} })).message).toBe("undefined variable 'constructor' (in lookup)");
    expect(failure(() => render('{{lookup o "__proto__"}}', { o: { a: 1 } })).message).toMatch(/undefined variable '__proto__'/);
    expect(render('{{lookup o k}}', { o: { a: 1 }, k: 'a' })).toBe('1');
    expect(failure(() => render('{{#with o}}{{toString}}{{/with}}', { o: {} })).message).toMatch(/undefined variable 'toString'/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('renders values lazily and recursively, like Ansible vars', () => {
    const vars = scopeOf(
      { base: 'https://example.test', url: '{{ base }}/v{{ version }}', version: '1.7', unused: '{{ nothing }}' },
      where,
    );
    expect(render('{{ url }}', vars)).toBe('https://example.test/v1.7');
    expect(failure(() => render('{{ unused }}', vars)).message).toBe("'nothing' is undefined in '{{ nothing }}'");
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

  it("agrees with the expression language's version test, which is Ansible's: 1.7 is older than 1.7.0 (#14)", async () => {
    const { evaluateCondition } = await import('../../engine/expr/index.ts');
    for (const [a, b, op] of [
      ['1.7', '1.7.0', '<'],
      ['1.7', '1.7.0', '=='],
      ['1.7.0', '1.7', '>'],
      ['1.0rc1', '1.0.1', '<'],
      ['2.0', '1.10', '>='],
    ]) {
      const helper = render(`{{#if (version a b op)}}y{{else}}n{{/if}}`, { a, b, op }) === 'y';
      expect(helper, `${a} ${op} ${b}`).toBe(evaluateCondition('a is version(b, op)', { a, b, op }));
    }
    expect(render('{{#if (version "1.7" "1.7.0" "<")}}older{{/if}}', {})).toBe('older');
    expect(render('{{#if (version "1.2.3-rc.1" "1.2.3" "<" "semver")}}pre{{/if}}', {})).toBe('pre');
  });
});

describe('helpers never shadow variables', () => {
  it('reads {{ version }} as the variable even though a version helper exists', () => {
    expect(render('v{{ version }} {{ join }}', { version: '1.7', join: 'j' })).toBe('v1.7 j');
    expect(() => render('{{ version }}', {})).toThrow(/undefined variable 'version'/);
  });
});

describe('values inside text print as Python would', () => {
  it('renders lists and mappings in a larger string as Python repr, keeping a bare reference native', () => {
    const vars = { pkgs: ['a', 'b'], conf: { k: 'v', on: true, off: false, none: null, n: [1, 2.5] } };
    expect(render('pkgs={{ pkgs }}', vars)).toBe("pkgs=['a', 'b']");
    expect(render('conf={{ conf }}', vars)).toBe("conf={'k': 'v', 'on': True, 'off': False, 'none': None, 'n': [1, 2.5]}");
    expect(render('{{ q }}', { q: ["it's", 'a\\b', 'say "hi" it\'s', '\x01'] })).toBe(`["it's", 'a\\\\b', 'say "hi" it\\'s', '\\x01']`);
    expect(renderValue('{{ pkgs }}', vars, where)).toEqual(['a', 'b']);
    expect(render('{{join rows "; "}}', { rows: [{ a: 1 }, ['x']] })).toBe("{'a': 1}; ['x']");
    expect(render('{{upper pkgs}} {{ flag }}', { pkgs: ['a'], flag: true })).toBe("['A'] true");
  });

  it('prints lazily rendered values inside containers', () => {
    const vars = scopeOf({ host: 'db1', urls: ['http://{{ host }}/'] }, where);
    expect(render('urls={{ urls }}', vars)).toBe("urls=['http://db1/']");
  });
});

describe('variables passed to helpers are strict too', () => {
  it.each<[string, string]>([
    ['{{upper pkgz}}', 'pkgz'],
    ['{{#if nope}}y{{/if}}', 'nope'],
    ['{{#unless nope}}y{{/unless}}', 'nope'],
    ['{{#each nope}}y{{/each}}', 'nope'],
    ['{{#with nope}}y{{/with}}', 'nope'],
    ['{{join xs sep}}', 'sep'],
    ['{{to_json d indent=nope}}', 'nope'],
    ['{{#if (eq nope 1)}}y{{/if}}', 'nope'],
    ['{{lower (upper nope)}}', 'nope'],
    ['{{#each xs}}{{upper missing}}{{/each}}', 'missing'],
    ['{{#if nope.server}}y{{/if}}', 'nope.server'],
  ])('%s fails naming %s and the task location', (template, name) => {
    const err = failure(() => render(template, { xs: ['a'], d: {} }));
    expect(err.message).toBe(`undefined variable '${name}'`);
    expect(err.location).toEqual(where);
  });

  it('accepts defined but falsy values, optional keys of an existing object under if, and default', () => {
    const vars = { f: false, zero: 0, empty: [], item: { registry: 'r' } };
    expect(render('{{#if f}}y{{else}}n{{/if}}{{#if zero}}y{{else}}n{{/if}}{{#each empty}}x{{/each}}', vars)).toBe('nn');
    expect(render('{{#if item.server}}{{ item.server }}{{else}}https://{{ item.registry }}{{/if}}', vars)).toBe('https://r');
    expect(render('{{#unless item.server}}none{{/unless}}', vars)).toBe('none');
    expect(render('{{#if s.length}}y{{/if}}{{#if e.length}}y{{else}}n{{/if}}{{#if xs.length}}y{{/if}}', { s: 'a', e: '', xs: [1] })).toBe(
      'yny',
    );
    expect(render('{{default nope "d"}}', vars)).toBe('d');
  });

  it('names the template line of a missing variable in a multi-line template', () => {
    expect(failure(() => render('a\nb {{upper nope}}', {})).message).toBe("undefined variable 'nope' (template line 2, column 11)");
  });

  it('never quotes the value it searched in', () => {
    const err = failure(() => render('{{#each secrets}}{{ nope }}{{/each}}', { secrets: ['S3cret!'] }));
    expect(err.message).toBe("undefined variable 'nope'");
  });
});

describe("Handlebars' built-ins", () => {
  it('has no log helper: {{log x}} is an error and writes nothing to the console', () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => vi.spyOn(console, m).mockImplementation(() => undefined));
    try {
      const err = failure(() => render('{{log db_password}}', { db_password: 'hunter2' }));
      expect(err.message).toMatch(/the log helper is not available: it would print to the console, past redaction/);
      expect(err.message).not.toContain('hunter2');
      render('{{#each xs}}{{ this }}{{/each}}{{default xs.map "m"}}', { xs: ['a'] });
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it('refuses templates nested or long enough to stall the Handlebars compiler', { timeout: 10_000 }, () => {
    const deep = (k: number) => '{{#if xs}}'.repeat(k) + 'x' + '{{/if}}'.repeat(k);
    expect(render(deep(60), { xs: [1] })).toBe('x');
    expect(failure(() => render(deep(4000), { xs: [1] })).message).toBe('template nests blocks and ( ) more than 64 deep');
    expect(failure(() => render(`{{#if xs}}${'{{else if xs}}'.repeat(100)}{{/if}}`, { xs: [1] })).message).toMatch(/more than 64 deep/);
    expect(failure(() => render(`{{upper ${'(lower '.repeat(3000)}s${')'.repeat(3000)}}}`, { s: 'a' })).message).toMatch(
      /more than 64 deep/,
    );
    expect(render(`{{upper "${'('.repeat(100)}"}}`, {})).toBe('('.repeat(100));
    expect(failure(() => render('{{ s }}'.repeat(5001), { s: 'a' })).message).toBe('template has more than 5000 {{ }} statements');
    expect(render('{{ s }}'.repeat(5000), { s: 'a' })).toHaveLength(5000);
  });

  it('bounds the work of nested loops and printed values, with a template error', { timeout: 10_000 }, () => {
    const a = Array.from({ length: 200 }, (_, i) => i);
    const err = failure(() => render('{{#each a}}{{#each @root.a}}{{#each @root.a}}x{{/each}}{{/each}}{{/each}}', { a }));
    expect(err.message).toMatch(
      /^template does too much work: loops and printed values over 500000 units \(template line 1, column \d+\)$/,
    );
    expect(err.location).toEqual(where);
    expect(render('{{#each a}}{{#each @root.a}}x{{/each}}{{/each}}', { a }).length).toBe(40_000);
    const m = { k: 'v', deep: { list: [1, 2, { x: true }] } };
    const big = Array.from({ length: 2000 }, (_, i) => i);
    expect(failure(() => render('{{#each big}}{{#each @root.big}}{{ @root.m }}{{/each}}{{/each}}', { big, m })).message).toMatch(
      /too much work/,
    );
  });
});

describe('variables that share values', () => {
  // Forty lines of group_vars: each level names the one below twice, so the value has 2^40 leaves.
  const shared = (): Record<string, unknown> => {
    const v: Record<string, unknown> = { b0: ['x'] };
    for (let i = 1; i <= 40; i++) v[`b${i}`] = [`{{ b${i - 1} }}`, `{{ b${i - 1} }}`];
    return v;
  };

  it('resolve lazily to the same value, and a small one copies fine', () => {
    const vars = scopeOf(shared(), where);
    expect(renderValue('{{ b2 }}', vars, where)).toEqual([
      [['x'], ['x']],
      [['x'], ['x']],
    ]);
    expect(render('{{#each b40}}{{#each this}}.{{/each}}{{/each}}', vars)).toBe('....');
  });

  it.each([
    '{{ b40 }}',
    'x{{ b40 }}',
    '{{ b40 | to_json }}',
    '{{ b40 | to_nice_json }}',
    '{{ b40 | to_yaml }}',
    '{{ b40 | join(",") }}',
    '{{ b40 | upper }}',
  ])('%s fails fast with a located template error instead of copying or printing 2^40 items', { timeout: 10_000 }, (template) => {
    const err = failure(() => renderValue(template, scopeOf(shared(), where), where));
    expect(err.message).toMatch(/too large to (copy|convert to a string) \(over 250000 items/);
    expect(err.location).toEqual(where);
  });
});

describe('template shape, one linear scan shared by the renderer and validate (#12)', async () => {
  const { templateShapeProblem } = await import('../../engine/template/limits.ts');
  const deep = (k: number) => '{{#if xs}}'.repeat(k) + 'x' + '{{/if}}'.repeat(k);

  it('says where in a multi-line template a limit was passed', () => {
    const err = failure(() => render(`one\ntwo\n  ${deep(70)}`, { xs: [1] }));
    expect(err.message).toBe('template nests blocks and ( ) more than 64 deep (template line 3, column 643)');
    expect(err.location).toEqual(where);
    expect(templateShapeProblem(`a\n${deep(70)}`)).toEqual({
      message: 'template nests blocks and ( ) more than 64 deep',
      offset: 2 + 64 * 10,
    });
  });

  it('refuses long variable paths and too many subexpressions before compiling', { timeout: 10_000 }, () => {
    expect(failure(() => render(`{{upper ${'a.'.repeat(3000)}b}}`, {})).message).toBe(
      "template has a variable path with more than 128 '.' and '/'",
    );
    expect(failure(() => render(`{{upper ${'../'.repeat(50)}s}}`, { s: 'a' })).message).toMatch(/variable path/);
    expect(failure(() => render(`{{x ${'(s)'.repeat(5001)}}}`, { s: 'a' })).message).toBe('template has more than 5000 ( ) subexpressions');
    expect(render(`{{upper ${'a.'.repeat(100)}b}}`, { a: nestedA(99) })).toBe('B');
  });

  it('counts what Handlebars parses: escapes, comments, raw blocks, strings and [literals] holding }}', () => {
    const over = (text: string) => templateShapeProblem(text)?.message;
    expect(over('\\{{#if a}}'.repeat(100))).toBeUndefined();
    expect(over('\\\\{{#if a}}'.repeat(100))).toMatch(/64 deep/);
    expect(over(`{{#if a}}${'{{else if b}}'.repeat(64)}{{/if}}`)).toMatch(/64 deep/);
    expect(over(`{{#if a}}${'{{else if b}}'.repeat(63)}{{/if}}`)).toBeUndefined();
    expect(over(`{{!-- ${deep(100)} --}}{{! {{#if}} }}`)).toBeUndefined();
    expect(over(`{{{{raw}}}}${deep(100)}{{{{/raw}}}}`)).toBeUndefined();
    expect(over(`${'{{#if a}}'.repeat(60)}{{{{raw}}}}${'{{/if}}'.repeat(60)}{{{{/raw}}}}${'{{#if a}}'.repeat(10)}`)).toMatch(/64 deep/);
    expect(over(`{{x "}}" ${'(x '.repeat(70)}}}`)).toMatch(/64 deep/);
    expect(over(`{{x [}}] ${'(x '.repeat(70)}}}`)).toMatch(/64 deep/);
    expect(over(`{{x "${'('.repeat(100)}" '${'('.repeat(100)}' [${'('.repeat(100)}]}}`)).toBeUndefined();
    // Handlebars' string regex backtracks to the last escaped quote when no plain one closes the string.
    expect(over(`{{x "a\\" ${'('.repeat(100)} \\"}}`)).toBeUndefined();
    expect(over(`{{x "a\\" ${'(x '.repeat(70)}}}`)).toMatch(/64 deep/);
    expect(over(`{{x "a\\"}} ${deep(70)}`)).toMatch(/64 deep/);
  });

  it('stays linear on strings and literals that never close, and on syntax errors', { timeout: 120_000 }, () => {
    // Each family at the size this test always used and at 1/8 of it, calls repeated while too quick to time.
    // The ' family counts pairs: an odd count leaves the last string open, a parse error instead of a compile;
    // its size stays at 2400 statements, as Handlebars alone takes about 0.25 ms to compile each.
    const families: [label: string, size: number, text: (n: number) => string][] = [
      ['unclosed "', 6000, (n) => '{{x "\\" }}'.repeat(n)],
      ["unclosed '", 2400, (n) => "{{x '}}".repeat(2 * n)],
      ['unclosed [', 6000, (n) => '{{x [\\]}}'.repeat(n)],
      ['raw closers', 13000, (n) => `{{{{r}}}}${'{{{{/'.repeat(n)}`],
      ['open {{', 30000, (n) => '{{'.repeat(n) + '|'],
    ];
    // A different tail on every render defeats the cache of compiled templates: each run compiles.
    let unique = 0;
    for (const [label, size, text] of families) {
      expectLinear((n) => templateShapeProblem(text(n)), size / 8, { label: `scan ${label}`, maxN: size / 8 });
      expectLinear(
        (n) => {
          const err = (() => {
            try {
              return render(`${text(n)}${(unique += 1)}`, { x: 1 });
            } catch (e) {
              return e;
            }
          })();
          expect(typeof err === 'string' || err instanceof FleetError).toBe(true);
        },
        size / 8,
        { label: `render ${label}`, maxN: size / 8 },
      );
    }
  });
});

function nestedA(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { b: 'b' };
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

describe('the Jinja filter hint', async () => {
  const { jinjaFilterHint } = await import('../../engine/template/jinjaHint.ts');

  it('is given for a | inside {{ }}, not after it, and found in one pass', () => {
    expect(jinjaFilterHint('{{ x | default("y") }}')).toMatch(/^ \(Jinja filters like/);
    expect(jinjaFilterHint('{{ a }} | b')).toBe('');
    // /\{\{[^}]*\|/ rescanned the rest from every {{: about 2 s on 13000 of these.
    expect(jinjaFilterHint('{{{{/'.repeat(13000))).toBe('');
    expectLinear((n) => expect(jinjaFilterHint('{{{{/'.repeat(n))).toBe(''), 13000 / 8, { label: 'jinja hint', maxN: 13000 / 8 });
  });
});
