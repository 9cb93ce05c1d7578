// `!unsafe`: a YAML string Ansible never templates; rendering it gives its text back unchanged.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderValue } from '../../engine/template/render.ts';
import { loadYamlFile } from '../../engine/yaml/load.ts';

describe('!unsafe', () => {
  it('keeps template markers literal through rendering, and leaves plain text alone', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-unsafe-'));
    const file = path.join(dir, 'x.yml');
    writeFileSync(
      file,
      'a: !unsafe |\n  dest: "{{ dest }}"\n  {% if x %}y{% endif %} {# c #}\nb: !unsafe plain\nc: !unsafe "x {% endraw %} {{ y }}"\n',
    );
    const value = loadYamlFile(file, 'playbook').value as Record<string, string>;
    expect(value.b).toBe('plain');
    const at = { file, line: 1, column: 1 };
    expect(renderValue(value.a, {}, at)).toBe('dest: "{{ dest }}"\n{% if x %}y{% endif %} {# c #}\n');
    expect(renderValue(value.c, {}, at)).toBe('x {% endraw %} {{ y }}');
  });
});
