// A unit that does not start is explained by its cause: a masked or failed dependency, its own result.
import { describe, expect, it } from 'vitest';
import { describeFailure, parseDiagnosis } from '../../../../modules/systemd/diagnose.ts';

const OUTPUT = `Result=exit-code
ExecMainCode=1
ExecMainStatus=1
ActiveState=failed
SubState=failed
LoadState=loaded
@dep=containerd.service
LoadState=masked
ActiveState=inactive
Result=success
@dep=network-online.target
LoadState=loaded
ActiveState=active
Result=success
@dep=docker.socket
LoadState=loaded
ActiveState=failed
Result=resources
@journal
Synchronizing state of docker.service with SysV service script
failed to dial "/run/containerd/containerd.sock": connection refused
docker.service: Main process exited, code=exited, status=1/FAILURE
`;

describe('systemd start diagnosis', () => {
  it('names masked and failed dependencies, the unit result and exit status, and the last log lines', () => {
    const d = parseDiagnosis(OUTPUT);
    expect(d).toEqual({
      result: 'exit-code',
      exitStatus: 'exit status 1',
      dependencies: ['containerd.service is masked', 'docker.socket failed (resources)'],
      journal: [
        'Synchronizing state of docker.service with SysV service script',
        'failed to dial "/run/containerd/containerd.sock": connection refused',
        'docker.service: Main process exited, code=exited, status=1/FAILURE',
      ],
    });
    expect(describeFailure('docker.service', d).split('\n')[0]).toBe(
      'dependency containerd.service is masked, dependency docker.socket failed (resources); docker.service: result exit-code, exit status 1',
    );
  });

  it('says the unit did not start when systemd reports nothing more', () => {
    expect(describeFailure('x.service', parseDiagnosis('Result=success\nExecMainStatus=0\n@journal\n'))).toBe('x.service did not start');
  });
});
