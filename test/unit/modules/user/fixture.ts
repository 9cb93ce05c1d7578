// A fake host for the user module's tests: the output of its read, built from a small account database.
import type { PredictedState } from '../../../../engine/types.ts';
import { fakeHost, type FakeHost, type Reply } from '../../../support/fakeHost.ts';

export const GROUPS = ['root:x:0:', 'users:x:100:', 'sudo:x:27:bob', 'docker:x:999:', 'alice:x:1000:', 'bob:x:1001:', 'carol:x:1002:'];
export const PASSWD = [
  'root:x:0:0:root:/root:/bin/bash',
  'alice:x:1000:1000:Alice:/home/alice:/bin/bash',
  'bob:x:1001:1001::/home/bob:/bin/sh',
];
export const DEFS = 'UMASK\t\t022\nUSERGROUPS_ENAB yes\n';
export const USERADD_D = 'GROUP=100\nHOME=/home\nINACTIVE=-1\nEXPIRE=\nSHELL=/bin/sh\nSKEL=/etc/skel\nCREATE_MAIL_SPOOL=no\n';

/** What the host has: every field optional. `exists` lists the paths that exist; `shadow` is the read's shadow section. */
export interface HostState {
  groups?: string[];
  passwd?: string[];
  defs?: string;
  exists?: string[];
  shadow?: string;
}

/** The output of userProbeCommand on a host in `s`. */
export function probeOutput(s: HostState = {}): string {
  const parts = [
    (s.groups ?? GROUPS).join('\n'),
    '@@passwd',
    (s.passwd ?? PASSWD).join('\n'),
    '@@defs',
    s.defs ?? DEFS,
    '@@useradd',
    USERADD_D,
    '@@exists',
    (s.exists ?? ['/root', '/home/alice', '/home/bob']).join('\n'),
  ];
  if (s.shadow !== undefined) parts.push('@@shadow', s.shadow);
  return `${parts.join('\n')}\n`;
}

/** A fake host answering the user module's read with `s`, and everything else with `reply`. */
export function userHost(s: HostState = {}, options: { check?: boolean; predicted?: PredictedState; reply?: Reply } = {}): FakeHost {
  return fakeHost({
    check: options.check ?? false,
    ...(options.predicted ? { predicted: options.predicted } : {}),
    answers: [['getent group || exit', probeOutput(s)]],
    reply: options.reply ?? '',
  });
}
