// debug var: an undefined variable shows as Ansible shows it ("VARIABLE IS NOT DEFINED!") instead of failing;
// other expression errors still fail the task.
import { describe, expect, it } from 'vitest';
import { planModule } from '../../../../engine/executor/moduleDriver.ts';
import { debugModule } from '../../../../modules/debug/index.ts';
import { fakeHost } from '../../../support/fakeHost.ts';

describe('debug var', () => {
  it('shows a defined variable, and an undefined one as Ansible does', async () => {
    const ctx = fakeHost({ vars: { x: [1, 2] } });
    expect(await planModule(debugModule, { var: 'x' }, ctx)).toMatchObject({ kind: 'ok', data: { x: [1, 2] } });
    expect(await planModule(debugModule, { var: 'nope' }, ctx)).toMatchObject({ kind: 'ok', data: { nope: 'VARIABLE IS NOT DEFINED!' } });
    expect(await planModule(debugModule, { var: 'nope.deeper' }, ctx)).toMatchObject({ kind: 'ok' });
  });

  it('still fails on an expression that is wrong for another reason', async () => {
    await expect(planModule(debugModule, { var: 'x | nosuchfilter' }, fakeHost({ vars: { x: 1 } }))).rejects.toThrow(/nosuchfilter/);
  });
});
