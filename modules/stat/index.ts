// stat: read facts about a path into a registered result, in Ansible's shape; never changes anything.
import path from 'node:path';
import { defineModule, read, type Decision, type ModuleView, type Probe } from '../../engine/module.ts';
import { parseStat, statCommand, type StatRead } from './read.ts';
import { predictedResult, statResult, type StatOptions, type StatResult } from './result.ts';
import { statSchema, type StatArgs } from './schema.ts';

/** What probe found: the result, or why check mode cannot tell it. */
export type StatFacts = { stat: StatResult } | { unknown: string };

function options(args: StatArgs): StatOptions {
  return {
    path: args.path,
    checksum: args.get_checksum === false ? false : (args.checksum_algorithm ?? 'sha1'),
    mime: args.get_mime !== false,
    attributes: args.get_attributes !== false,
  };
}

function* probeStat(args: StatArgs, view: ModuleView): Probe<StatFacts> {
  const o = options(args);
  const follow = args.follow === true;
  const wants = { follow, checksum: o.checksum, mime: o.mime, attributes: o.attributes };
  const got: StatRead = yield* read({
    command: statCommand(args.path, wants),
    parse: (r) => {
      if (r.exitCode !== 0) throw new Error(`cannot stat ${args.path}: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
      return parseStat(r.stdout);
    },
  });
  const host = statResult(got, o);
  if (!view.check) return { stat: host };
  // Check mode: an earlier task's prediction for the path (or, with follow, for the link's target) wins.
  let at = path.posix.normalize(args.path);
  let p = view.predicted.file(at);
  for (let i = 0; follow && p?.type === 'link' && i < 40; i++) {
    at = path.posix.resolve(path.posix.dirname(at), p.target);
    p = view.predicted.file(at);
  }
  if (!p) return { stat: host };
  const stat = predictedResult(host, p, o);
  return stat
    ? { stat }
    : {
        unknown: `an earlier task would change ${args.path} with content check mode does not know, so its ${o.checksum} checksum is unknown`,
      };
}

function decideStat(args: StatArgs, facts: StatFacts): Decision<never> {
  if ('unknown' in facts) return { kind: 'unknown', msg: facts.unknown };
  const s = facts.stat;
  const what = !s.exists ? 'does not exist' : s.isdir ? 'is a directory' : s.islnk ? 'is a link' : s.isreg ? 'is a file' : 'exists';
  return { kind: 'ok', msg: `${args.path} ${what}`, data: { stat: s } };
}

/** The stat module. Its result is `{ stat: { exists, isdir, isreg, islnk, mode, ... } }`, as Ansible's. */
export const statModule = defineModule<StatArgs, StatFacts, never>({
  name: 'stat',
  summary: 'Facts about a path (read-only).',
  runsOn: 'host',
  schema: statSchema,
  probe: probeStat,
  decide: decideStat,
});
