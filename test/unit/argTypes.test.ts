// Ansible's argument spec conversions (check_type_str/int/float/bool/list) on literal arguments.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPlaybook } from '../../engine/executor/runPlaybook.ts';
import { loadInventory } from '../../engine/inventory/index.ts';
import { coerceArgTypes, pythonText } from '../../engine/playbook/argTypes.ts';
import { loadPlaybook } from '../../engine/playbook/load.ts';
import { moduleRegistry } from '../../modules/index.ts';

const schema = {
  type: 'object',
  properties: {
    path: { type: 'string' },
    force: { type: 'boolean' },
    port: { type: 'integer' },
    ratio: { type: 'number' },
    names: { type: 'array', items: { type: 'string' } },
    ports: { type: 'array', items: { type: 'integer' } },
    either: { type: ['string', 'boolean'] },
  },
};

describe('coerceArgTypes', () => {
  it('makes text of a boolean or a number where a string is declared, spelled as Python does', () => {
    expect(coerceArgTypes(schema, { path: true })).toEqual({ path: 'True' });
    expect(coerceArgTypes(schema, { path: false })).toEqual({ path: 'False' });
    expect(coerceArgTypes(schema, { path: 42 })).toEqual({ path: '42' });
    expect(coerceArgTypes(schema, { path: 1.5 })).toEqual({ path: '1.5' });
  });

  it('reads booleans, integers and numbers from text', () => {
    expect(coerceArgTypes(schema, { force: 'yes', port: '22', ratio: '0.5' })).toEqual({ force: true, port: 22, ratio: 0.5 });
    expect(coerceArgTypes(schema, { force: 'off', port: ' -3 ' })).toEqual({ force: false, port: -3 });
    expect(coerceArgTypes(schema, { force: 1 })).toEqual({ force: true });
    expect(coerceArgTypes(schema, { force: 0 })).toEqual({ force: false });
  });

  it('leaves what Ansible would refuse for the schema check to report', () => {
    expect(coerceArgTypes(schema, { force: 'maybe', port: '2.5', ratio: 'x' })).toEqual({ force: 'maybe', port: '2.5', ratio: 'x' });
    expect(coerceArgTypes(schema, { path: { a: 1 }, force: 2 })).toEqual({ path: { a: 1 }, force: 2 });
  });

  it('splits a comma-separated string into a list, without trimming, and converts the items', () => {
    expect(coerceArgTypes(schema, { names: 'a,b, c' })).toEqual({ names: ['a', 'b', ' c'] });
    expect(coerceArgTypes(schema, { names: [1, true, 'x'] })).toEqual({ names: ['1', 'True', 'x'] });
    expect(coerceArgTypes(schema, { names: 7 })).toEqual({ names: ['7'] });
    expect(coerceArgTypes(schema, { ports: '80,443' })).toEqual({ ports: [80, 443] });
  });

  it('leaves templates, unknown keys and properties of several types alone', () => {
    expect(coerceArgTypes(schema, { path: '{{ x }}', names: 'a,{{ b }}', other: true, either: true })).toEqual({
      path: '{{ x }}',
      names: 'a,{{ b }}',
      other: true,
      either: true,
    });
  });

  it('keeps a __proto__ key a plain key', () => {
    const args = JSON.parse('{"__proto__": true, "path": true}') as Record<string, unknown>;
    const out = coerceArgTypes(schema, args);
    expect(Object.keys(out)).toEqual(['__proto__', 'path']);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });
});

describe('pythonText', () => {
  it('writes booleans as Python does', () => {
    expect([pythonText(true), pythonText(false), pythonText(-3)]).toEqual(['True', 'False', '-3']);
  });
});

describe('arguments converted after templating', () => {
  it('a template that renders a boolean or a number where text is expected runs with the text, as in Ansible', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-argtypes-'));
    writeFileSync(path.join(dir, 'inv'), '[all]\nh1 ansible_connection=local\n');
    writeFileSync(path.join(dir, 'True'), '');
    writeFileSync(
      path.join(dir, 'play.yml'),
      `- hosts: all
  gather_facts: false
  vars: { flag: true, count: 42 }
  tasks:
    - command: { cmd: "echo {{ count }}", chdir: "${dir}", creates: "{{ flag }}" }
      register: guarded
    - command: { argv: ["{{ count }}"], chdir: "${dir}", creates: "{{ count }}" }
      register: numbered
      ignore_errors: true
`,
    );
    const report = await runPlaybook(loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry), loadInventory(path.join(dir, 'inv')), {
      check: false,
      diff: false,
      forks: 1,
      extraVars: {},
      tags: { only: [], skip: [] },
      transport: { connectTimeoutMs: 5000 },
      events: { playStart: () => undefined, taskStart: () => undefined, result: () => undefined },
      stopping: () => false,
    });
    // creates: true is the path 'True' (it exists in chdir: skipped); argv's 42 is the word '42' (no such program).
    expect(report.results.map((r) => [r.status, r.msg.split(':')[0]])).toEqual([
      ['ok', "Did not run command since 'True' exists"],
      ['failed', expect.any(String)],
    ]);
    expect(report.results[1]?.msg).not.toMatch(/must be/);
  });
});
