// apt: install, upgrade, remove or purge Debian packages, autoremove, and update the apt cache, with
// Ansible's arguments. Only apt-get and dpkg-query run on the host; plans come from `apt-get -s`.
import { defineModule } from '../../engine/module.ts';
import { applyApt } from './apply.ts';
import { decideApt } from './decide.ts';
import { predictApt } from './predict.ts';
import { probeApt } from './probe.ts';
import { aptModuleSchema, type AptArgs } from './schema.ts';
import type { AptChange, AptFacts } from './types.ts';

/** The apt module (alias `package` is not taken: that is a generic module in Ansible). */
export const aptModule = defineModule<AptArgs, AptFacts, AptChange>({
  name: 'apt',
  summary: 'Install, upgrade, remove or purge Debian packages and refresh the apt cache; plans come from apt-get -s.',
  runsOn: 'host',
  schema: aptModuleSchema,
  probe: probeApt,
  decide: (_args, facts, view) => decideApt(facts, view),
  apply: (change, host) => applyApt(host, change.work, change.noop),
  predict: (decision, predicted) => predictApt(decision, predicted),
});
