// include_role at run time: per host (and loop item) its when decides and its name and *_from files are
// rendered; hosts that include the same role run it together. The role's tasks get the include's
// become, no_log, check_mode and ignore_errors and its `apply` keywords, not its when or tags (as in
// Ansible). Its handlers join the play's; with `public: true` its defaults and vars are seen by the
// rest of the play once it ran.
import { OMIT_TOKEN } from './omit.ts';
import { FleetError } from '../errors.ts';
import { Problems } from '../playbook/problems.ts';
import type { RoleEntry } from '../playbook/roleEntry.ts';
import { innermostRole } from '../playbook/roleLayer.ts';
import { loadRole, newRoleState } from '../playbook/roles.ts';
import { parseRoleTask } from '../playbook/roleTasks.ts';
import { renderString } from '../template/render.ts';
import type { IncludeDef, LoadedRole, RoleInclude, StateSlot, Vars, TaskNode } from '../types.ts';
import type { YamlFile } from '../yaml/load.ts';
import { taskVars, type HostRun } from './hostRun.ts';
import { includeIgnoresErrors } from './flags.ts';
import { childScope, type PlayRun, type Scope } from './playRun.ts';
import { tagsAllow } from './tags.ts';
import { includeItems } from './includeItems.ts';
import { lookupContext } from '../lookups/index.ts';
import { loopItemVars } from '../lookups/loop.ts';

interface Step {
  key: string;
  name: string;
  from: RoleInclude['from'];
  item: Vars;
}

// Roles loaded at run time (a templated name), once per run, include (its vars are the role's params) and rendered spec.
const LOADED: StateSlot<WeakMap<IncludeDef, Map<string, LoadedRole>>> = { name: 'roles included at run time', init: () => new WeakMap() };
// Per host, the role applications already run (for allow_duplicates: false).
const RAN: StateSlot<WeakMap<HostRun, Set<string>>> = { name: 'roles run per host', init: () => new WeakMap() };

/** Runs an include_role node on `hosts`. */
/** Runs task nodes on hosts (engine/executor/strategy.ts's runNodes, passed in: strategy calls this file). */
export type NodeRunner = (nodes: TaskNode[], hosts: HostRun[], scope: Scope, run: PlayRun) => Promise<void>;

export async function runIncludeRole(
  inc: IncludeDef,
  role: RoleInclude,
  all: HostRun[],
  scope: Scope,
  run: PlayRun,
  runNodes: NodeRunner,
  handler = false,
): Promise<void> {
  // run_once: the role is included for the first host only.
  const hosts = inc.runOnce ? all.slice(0, 1) : all;
  // As include_tasks: the include is a task of its own for --tags (handlers are not filtered).
  if (!handler && !tagsAllow([...scope.tags, ...inc.tags], run.tags)) return;
  const title = inc.name ?? `include_role : ${role.name}`;
  if (hosts.length > 0) run.events.taskStart({ title, location: inc.location, handler: false });
  const plans = new Map<HostRun, Step[]>();
  for (const h of hosts) {
    const vars = taskVars(h, run.vars, [...scope.vars, scope.perHost?.get(h.name) ?? {}, inc.vars], inc.location);
    try {
      // As include_tasks: loop and with_<lookup> (with_items, with_dict, …), rendered with the lookups.
      const planned = includeItems(inc, vars, scope, run);
      if (!planned) {
        if (inc.register) h.hostFacts[inc.register] = { changed: false, skipped: true, skip_reason: 'Conditional result was False' };
        continue;
      }
      const { items } = planned;
      plans.set(
        h,
        items.map((_, i) => {
          const item: Vars = inc.loop ? loopItemVars(inc.loop, items, i, { vars, where: inc.location }) : {};
          const itemVars = taskVars(h, run.vars, [...scope.vars, scope.perHost?.get(h.name) ?? {}, inc.vars], inc.location, item);
          const render = (s: string) =>
            renderString(s, itemVars, inc.location, lookupContext(inc, { playbookDir: run.play.baseDir }, itemVars));
          // A *_from that renders to omit is left out, as Ansible leaves out an omitted argument.
          const from = Object.fromEntries(
            Object.entries(role.from)
              .map(([k, v]) => [k, render(v)])
              .filter(([, v]) => v !== OMIT_TOKEN),
          );
          const name = render(role.name);
          return { key: JSON.stringify([name, from]), name, from, item };
        }),
      );
    } catch (err) {
      report(inc, h, run, scope, 'failed', err instanceof FleetError ? err.format() : (err as Error).message);
    }
  }
  const rounds = Math.max(0, ...[...plans.values()].map((p) => p.length));
  const ran = run.runState.slot(RAN);
  for (let k = 0; k < rounds; k++) {
    const byRole = new Map<string, HostRun[]>();
    for (const [h, p] of plans) if (p[k] && h.status === 'active') byRole.set(p[k]!.key, [...(byRole.get(p[k]!.key) ?? []), h]);
    for (const [key, group] of byRole) {
      const step = plans.get(group[0]!)![k]!;
      let loaded: LoadedRole;
      try {
        loaded = role.loaded ?? loadAtRunTime(inc, role, step, run, scope.vars);
      } catch (err) {
        for (const h of group) report(inc, h, run, scope, 'failed', err instanceof FleetError ? err.format() : (err as Error).message);
        continue;
      }
      const runners = group.filter((h) => {
        const done = ran.get(h) ?? new Set<string>();
        ran.set(h, done);
        const first = !done.has(key);
        done.add(key);
        return first || role.allowDuplicates;
      });
      for (const h of group)
        report(inc, h, run, scope, 'ok', runners.includes(h) ? `included role ${step.name}` : `role ${step.name} already ran`);
      // A role loaded at run time brings variables the run has not scanned for secrets yet.
      run.secrets.scanAll([loaded.ref.defaults, loaded.ref.vars, loaded.ref.params]);
      for (const handler of loaded.handlers) if (!run.play.handlers.includes(handler)) run.play.handlers.push(handler);
      const perHost = new Map(runners.map((h) => [h.name, plans.get(h)![k]!.item]));
      // The include's keywords other than when and tags reach the role's tasks.
      const inherited = { ...inc, when: [], tags: [], vars: {} };
      if (runners.length > 0) await runNodes([loaded.block], runners, childScope(scope, inherited, perHost), run);
      const roles = (run.vars.roles ??= []);
      if (role.public && !roles.includes(loaded.ref)) roles.push(loaded.ref);
    }
  }
}

/** Loads a role whose name or files are templates, with the rendered values; problems throw one FleetError. */
function loadAtRunTime(inc: IncludeDef, role: RoleInclude, step: Step, run: PlayRun, scopeVars: Vars[]): LoadedRole {
  const byInclude = run.runState.slot(LOADED);
  const cache = byInclude.get(inc) ?? new Map<string, LoadedRole>();
  byInclude.set(inc, cache);
  const cached = cache.get(step.key);
  if (cached) return cached;
  const problems = new Problems();
  const ctx = {
    problems,
    including: [],
    playbookDir: run.play.baseDir,
    modules: run.modules,
    roles: newRoleState(role.search),
    parseRoleTask,
  };
  // Problems in the role's own files carry their places; a missing role is reported at the include.
  const here: YamlFile = { file: inc.location.file, source: '', value: null, locate: () => inc.location, excerpt: () => '' };
  const entry: RoleEntry = {
    name: step.name,
    // The include's vars are Ansible's include params: above set_fact, below extra vars.
    params: { ...inc.vars },
    vars: {},
    layerVars: { ...role.apply.vars },
    scope: role.apply,
    from: step.from,
    allowDuplicates: true,
    yaml: here,
    nameAt: [],
  };
  // Inside a role, the included role inherits its vars and params, as Ansible's dep chain.
  const parent = innermostRole(scopeVars);
  const loaded = loadRole(entry, ctx, ctx.roles, parent ? { ref: parent, chainVars: parent.vars } : undefined);
  problems.throwIfAny();
  if (!loaded) throw new FleetError('playbook', `role '${step.name}' could not be loaded`, { location: inc.location });
  cache.set(step.key, loaded.role);
  return loaded.role;
}

function report(inc: IncludeDef, h: HostRun, run: PlayRun, scope: Scope, status: 'ok' | 'failed', msg: string): void {
  h.attempted = true;
  // `register` keeps the include's own result, as for include_tasks.
  if (inc.register) h.hostFacts[inc.register] = status === 'failed' ? { changed: false, failed: true, msg } : { changed: false, msg };
  const ignored = status === 'failed' && includeIgnoresErrors(inc, h, run, scope);
  run.events.result({
    host: h.name,
    play: run.playName,
    task: inc.name ?? `include_role : ${inc.role?.name ?? ''}`,
    module: 'include_role',
    status,
    durationMs: 0,
    msg,
    location: inc.location,
    ...(ignored ? { ignored: true } : {}),
  });
  if (ignored) h.counters.ignored++;
  else if (status === 'failed') [h.counters.failed, h.status] = [h.counters.failed + 1, 'failed'];
}
