// assert's `that`: expressions, and YAML booleans and empty items as Ansible's conditionals take them
// (ansible-core's template and copy targets write `that: [False]` and an empty `-` item).
import { describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { checkSchema } from '../../../../engine/playbook/schemaCheck.ts';
import { assertModule } from '../../../../modules/assert/index.ts';
import { fakeHost } from '../../../support/fakeHost.ts';

describe('assert that', () => {
  it('fails on a literal false, passes a literal true and an empty item', async () => {
    const ctx = fakeHost({ vars: { x: 1 } });
    expect(await planModule(assertModule, { that: [true, null, 'x == 1'] }, ctx)).toMatchObject({ kind: 'ok' });
    expect(await planModule(assertModule, { that: ['x == 1', false] }, ctx)).toMatchObject({
      kind: 'failed',
      msg: 'Assertion failed: false',
    });
    expect(await planModule(assertModule, { that: false }, ctx)).toMatchObject({ kind: 'failed' });
  });

  it('still refuses a mapping or a number as a condition', () => {
    expect(checkSchema(assertModule.schema, { that: [{ a: 1 }] }, "module 'assert'")).not.toEqual([]);
    expect(checkSchema(assertModule.schema, { that: [1] }, "module 'assert'")).not.toEqual([]);
    expect(checkSchema(assertModule.schema, { that: [false, null, 'a'] }, "module 'assert'")).toEqual([]);
  });
});
