// service_facts (ansible.builtin.service_facts): the host's systemd services as the fact
// `ansible_facts.services`, from one read (list-units and list-unit-files). Only reads: it never changes
// anything and runs in check mode too, so later tasks see the facts.
//
// Check mode: the listing is the host as it is now, with the earlier tasks' predicted unit states
// (started, stopped, enabled, disabled) applied. When an earlier task's effects cannot be predicted (a
// command, a package install) or it writes under a unit directory (a new unit file, a mask link), the
// services the real run would list are not known, and the outcome is unknown.
import type { FromSchema } from 'json-schema-to-ts';
import { defineModule, read, type Decision, type ModuleView, type Probe } from '../../engine/module.ts';
import type { PredictedView } from '../../engine/module.ts';
import { UNIT_DIRS } from '../lib/unitDirs.ts';
import { parseServices, type ServiceFact, UNIT_FILES_MARK } from './parse.ts';

/** service_facts takes no arguments. */
export const serviceFactsSchema = { type: 'object', properties: {}, additionalProperties: false } as const;

type Args = FromSchema<typeof serviceFactsSchema>;

/** What the read returned: the services, or why there are none. */
type Facts = { services: Record<string, ServiceFact> } | { error: string };

const LIST = '--no-pager --type service --all --plain --no-legend';

/** The one read: both listings, the marker between them. */
export const SERVICE_FACTS_COMMAND = `LC_ALL=C systemctl list-units ${LIST} 2>/dev/null; echo ${UNIT_FILES_MARK}; LC_ALL=C systemctl list-unit-files ${LIST} 2>/dev/null`;

function* probe(): Probe<Facts> {
  return yield* read<Facts>({
    command: SERVICE_FACTS_COMMAND,
    parse: (r) => {
      try {
        return { services: parseServices(r.stdout) };
      } catch (e) {
        return { error: (e as Error).message };
      }
    },
  });
}

/** Why check mode cannot take the listing as the real run's, if it cannot. */
function checkModeDoubt(view: ModuleView): string | undefined {
  if (!view.check) return undefined;
  const opaque = view.predicted.opaqueTask();
  if (opaque) return `'${opaque}' runs first and check mode cannot predict its effects (it may add, start or stop services)`;
  const dir = UNIT_DIRS.find((d) => view.predicted.hasFileUnder(d));
  if (dir) return `an earlier task changes files under ${dir}, which check mode did not write`;
  return undefined;
}

/** One service with an earlier task's predicted state applied; a string when it cannot be told. */
export function withPrediction(service: ServiceFact, predicted: PredictedView): ServiceFact | string {
  const unit = predicted.unit(service.name);
  if (!unit) return service;
  const out = { ...service };
  if (unit.active !== undefined) out.state = unit.active ? 'running' : service.state === 'inactive' ? 'inactive' : 'stopped';
  if (unit.masked === true) out.status = 'masked';
  else if (unit.enabled !== undefined && ['enabled', 'disabled'].includes(service.status))
    out.status = unit.enabled ? 'enabled' : 'disabled';
  else if (['masked', 'failed', 'not-found'].includes(service.status) && (unit.masked === false || unit.active !== undefined))
    return `the status of ${service.name} after an earlier task changes it (now ${service.status}) is not known`;
  return out;
}

function decide(_args: Args, facts: Facts, view: ModuleView): Decision<never> {
  if ('error' in facts) return { kind: 'failed', msg: facts.error };
  const doubt = checkModeDoubt(view);
  if (doubt) return { kind: 'unknown', msg: `the services are read from the host now, but ${doubt}, so the result is unknown` };
  const services: Record<string, ServiceFact> = {};
  for (const [name, service] of Object.entries(facts.services)) {
    const after = view.check ? withPrediction(service, view.predicted) : service;
    if (typeof after === 'string') return { kind: 'unknown', msg: `${after}, so the result is unknown` };
    Object.defineProperty(services, name, { value: after, enumerable: true, writable: true, configurable: true });
  }
  const count = Object.keys(services).length;
  // Ansible returns skipped with this message when it finds no service (no systemctl, or systemd not running).
  if (count === 0)
    return { kind: 'ok', msg: 'Failed to find any services. This can be due to privileges or some other configuration issue.' };
  return { kind: 'ok', msg: `${count} service${count === 1 ? '' : 's'}`, data: { ansible_facts: { services } } };
}

/** The service_facts module (`ansible.builtin.service_facts`): `ansible_facts.services`; never changes anything. */
export const serviceFactsModule = defineModule<Args, Facts, never>({
  name: 'service_facts',
  summary: "The host's systemd services as ansible_facts.services.",
  setsVariables: () => ['services', 'ansible_facts.services'],
  runsOn: 'host',
  schema: serviceFactsSchema,
  probe,
  decide,
});
