// {% include %}: found beside the including template, beside the template the task renders, then through
// the caller's search (the role's and playbook's templates/); '..' is refused as Jinja2's loader refuses it.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FleetError } from '../../../engine/errors.ts';
import { renderJinja } from '../../../engine/jinja/index.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-jinja-include-'));
const files: Record<string, string> = {
  'src/main.j2': '',
  'src/sub/inner.j2': 'inner[{% include "sibling.j2" %}]',
  'src/sub/sibling.j2': 'beside inner',
  'src/top.j2': 'beside main',
  'src/sub/uses-top.j2': '{% include "top.j2" %}',
  'elsewhere/templates/shared.j2': 'shared {{ x }}',
  'src/bad.j2': 'ok\n  {{ nope }}\n',
  'src/syntax.j2': 'a\n{% if %}',
  'secret.txt': 'SECRET',
  'src/lib.j2': '{% macro m() %}\n  {{ nope }}{% endmacro %}',
};
for (const [name, text] of Object.entries(files)) {
  mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
  writeFileSync(path.join(dir, name), text);
}
const MAIN = path.join(dir, 'src', 'main.j2');
const searched: string[] = [];
const search = (name: string): string | undefined => {
  searched.push(name);
  const candidate = path.join(dir, 'elsewhere', 'templates', name);
  if (name === 'shared.j2') return candidate;
  throw new Error(`could not find '${name}' (looked in ${path.dirname(candidate)})`);
};

function render(template: string, vars: Record<string, unknown> = {}): string {
  return renderJinja(template, vars, MAIN, { search });
}

function failure(template: string): FleetError {
  try {
    render(template);
  } catch (err) {
    if (err instanceof FleetError) return err;
    throw err;
  }
  throw new Error('rendered without an error');
}

describe('include', () => {
  it('finds a template beside the including one, then beside the rendered one', () => {
    expect(render('{% include "sub/inner.j2" %}|{% include "sub/uses-top.j2" %}')).toBe('inner[beside inner]|beside main');
  });

  it("uses the caller's search last, with the name as written", () => {
    searched.length = 0;
    expect(render('{% include "shared.j2" %}', { x: 1 })).toBe('shared 1');
    expect(searched).toEqual(['shared.j2']);
  });

  it('names what was searched when nothing is found, at the include tag', () => {
    const err = failure('ok\n{% include "nope.j2" %}');
    expect(err.message).toBe(
      `template 'nope.j2' not found (looked in ${path.join(dir, 'src')}; could not find 'nope.j2' (looked in ${path.join(dir, 'elsewhere', 'templates')}))`,
    );
    expect(err.location).toEqual({ file: MAIN, line: 2, column: 1 });
  });

  it("refuses '..' and reads a leading '/' as relative, as Jinja2's loader does", () => {
    expect(failure('{% include "../secret.txt" %}').message).toBe(
      "template '../secret.txt' not found: '..' is not allowed in a template name",
    );
    expect(failure(`{% include "${path.join(dir, 'secret.txt')}" %}`).message).toMatch(/^template '.*secret.txt' not found/);
  });

  it('reports an error inside an included template at its own file, line and column', () => {
    const err = failure('a\n{% include "bad.j2" %}');
    expect(err.message).toBe("'nope' is undefined");
    expect(err.location).toEqual({ file: path.join(dir, 'src', 'bad.j2'), line: 2, column: 6 });
    const syntax = failure('{% include "syntax.j2" %}');
    expect(syntax.message).toBe('expected an expression');
    expect(syntax.location).toEqual({ file: path.join(dir, 'src', 'syntax.j2'), line: 2, column: 1 });
  });

  it('locates an error in an imported macro in its own file, and names a missing import', () => {
    const err = failure('{% import "lib.j2" as l %}\n{{ l.m() }}');
    expect(err.message).toBe("'nope' is undefined");
    expect(err.location).toEqual({ file: path.join(dir, 'src', 'lib.j2'), line: 2, column: 6 });
    const missing = failure('x\n{% from "lib.j2" import m, other %}');
    expect(missing.message).toBe("the imported template has no macro or variable 'other'");
    expect(missing.location).toEqual({ file: MAIN, line: 2, column: 1 });
  });

  it('without context, the included template sees no variables', () => {
    expect(failure('{% set x = 1 %}{% include "shared.j2" without context %}').message).toBe("'x' is undefined");
    expect(render('{% set x = 2 %}{% include "shared.j2" with context %}')).toBe('shared 2');
  });
});
