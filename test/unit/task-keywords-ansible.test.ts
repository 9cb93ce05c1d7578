// Task keywords as ansible-core's targets write them: `name:` with no value is a task without a name;
// a name of another type is still refused; diff is accepted (output follows --diff); strategy and action.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FleetError } from '../../engine/errors.ts';
import { loadPlaybook } from '../../engine/playbook/load.ts';
import { moduleRegistry } from '../../modules/index.ts';

function load(text: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-name-'));
  writeFileSync(path.join(dir, 'play.yml'), text);
  return loadPlaybook(path.join(dir, 'play.yml'), moduleRegistry);
}

describe('task names', () => {
  it('reads an empty name as no name', () => {
    const pb = load('- hosts: all\n  tasks:\n    - name:\n      debug: { msg: x }\n');
    const task = pb.plays[0]?.tasks[0];
    expect(task?.kind).toBe('task');
    expect(task?.name).toBeUndefined();
  });

  it('refuses a name that is a list, at its line', () => {
    let message = '';
    try {
      load('- hosts: all\n  tasks:\n    - name: [a]\n      debug: { msg: x }\n');
    } catch (err) {
      if (!(err instanceof FleetError)) throw err;
      message = `${err.location?.line}: ${err.message}`;
    }
    expect(message).toMatch(/^3: keyword 'name' must be/);
  });
});

describe('the diff task keyword', () => {
  it('is accepted as a boolean (output follows --diff), and refused as something else', () => {
    expect(load('- hosts: all\n  tasks:\n    - debug: { msg: x }\n      diff: true\n').plays[0]?.tasks).toHaveLength(1);
    expect(() => load('- hosts: all\n  tasks:\n    - debug: { msg: x }\n      diff: [1]\n')).toThrow(/diff/);
  });
});

describe('the strategy play keyword', () => {
  it('accepts linear (also templated), and refuses another strategy at its line', () => {
    expect(load('- hosts: all\n  strategy: linear\n  tasks: []\n').plays[0]?.strategy).toBe('linear');
    expect(load('- hosts: all\n  strategy: "{{ s | default(\'linear\') }}"\n  tasks: []\n').plays).toHaveLength(1);
    let message = '';
    try {
      load('- hosts: all\n  strategy: free\n  tasks: []\n');
    } catch (err) {
      if (!(err instanceof FleetError)) throw err;
      message = `${err.location?.line}: ${err.message}`;
    }
    expect(message).toBe("2: strategy 'free' is not supported: fleetplay runs plays with the linear strategy only");
  });
});

describe('the action keyword', () => {
  it('names the module in free form or as a mapping, and runs where the task runs (no delegation)', () => {
    const pb = load('- hosts: all\n  tasks:\n    - action: debug msg=hi\n    - action: { module: debug, msg: hi }\n');
    const [a, b] = pb.plays[0]!.tasks;
    for (const t of [a, b]) {
      expect(t?.kind).toBe('task');
      if (t?.kind !== 'task') continue;
      expect(t.module).toBe('debug');
      expect(t.args).toEqual({ msg: 'hi' });
      expect(t.delegateTo).toBeUndefined();
    }
  });

  it('refuses an action without a module', () => {
    expect(() => load('- hosts: all\n  tasks:\n    - action: { msg: hi }\n')).toThrow('action needs a module');
  });
});
