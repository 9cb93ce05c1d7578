// import_playbook, as Ansible's PlaybookInclude: static, at load time. The imported file's plays take the
// import's place; its `vars` go over each play's vars (and are known while the plays load: templated
// import_role names), its `tags` join each play's tags, its `when` goes before the `when` of each top-level
// task and block of pre_tasks, roles, tasks and post_tasks (not handlers) and decides fact gathering.
// Imports nest; the file name may be templated with the import's vars and the extra vars.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { FleetError } from '../errors.ts';
import { shortModuleName } from '../moduleRegistry.ts';
import type { Condition, PlayDef, TaskNode, Vars } from '../types.ts';
import { loadYamlFile, type YamlFile } from '../yaml/load.ts';
import { normalizeKeywords } from './keywords.ts';
import { renderAtLoad } from './loadTime.ts';
import { roleSearchFor } from './roleSearch.ts';
import { conditions, type ParseContext } from './tasks.ts';
import { describeValue } from './wording.ts';

type Raw = Record<string, unknown>;

/** Parses one play of `yaml` (load.ts's parsePlay). */
export type PlayParser = (yaml: YamlFile, index: number, raw: unknown, ctx: ParseContext) => PlayDef | undefined;

/** The keys an import_playbook entry takes (Ansible ignores its other Base keywords; fleetplay refuses them). */
const IMPORT_KEYS = new Set(['name', 'vars', 'when', 'tags']);

/** The import_playbook key of a playbook entry (any collection prefix), if it is an import. */
export function importKey(entry: unknown): string | undefined {
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) return undefined;
  return Object.keys(entry).find((k) => shortModuleName(k) === 'import_playbook');
}

/** The plays of the playbook `yaml` (a list of entries), imports expanded in place. */
export function loadEntries(yaml: YamlFile, ctx: ParseContext, parsePlay: PlayParser): PlayDef[] {
  const plays: PlayDef[] = [];
  (yaml.value as unknown[]).forEach((raw, index) => {
    const key = importKey(raw);
    if (key === undefined) {
      const play = parsePlay(yaml, index, raw, ctx);
      if (play) plays.push(play);
    } else plays.push(...importPlaybook(yaml, index, raw as Raw, key, ctx, parsePlay));
  });
  return plays;
}

function importPlaybook(yaml: YamlFile, index: number, written: Raw, key: string, ctx: ParseContext, parsePlay: PlayParser): PlayDef[] {
  const entry = normalizeKeywords(yaml, [index], written, ctx.problems, 'task');
  for (const k of Object.keys(entry))
    if (k !== key && !IMPORT_KEYS.has(k))
      ctx.problems.add(yaml, [index, k], `'${k}' is not a keyword of import_playbook (it takes name, vars, when and tags)`, 'key');
  const vars = importVars(yaml, index, entry.vars, ctx);
  const when = conditions(yaml, [index, 'when'], entry.when, ctx);
  const tags = tagList(yaml, index, entry.tags, ctx);
  const name = entry[key];
  if (typeof name !== 'string' || name.trim() === '') {
    ctx.problems.add(yaml, [index, key], `import_playbook needs the name of a playbook file, got ${describeValue(name)}`);
    return [];
  }
  // The name is templated with what is known at load time: the import's vars (outer imports' too) and extra vars.
  const known: Vars = { ...ctx.loadVars, ...vars };
  const file = renderAtLoad(yaml, [index, key], name, 'the name of an import_playbook', known, ctx);
  if (file === undefined) return [];
  const full = path.resolve(path.dirname(yaml.file), file);
  if (!existsSync(full) || !statSync(full).isFile()) {
    ctx.problems.add(yaml, [index, key], `playbook file '${file}' not found (looked for ${full})`);
    return [];
  }
  if (ctx.including.includes(full)) {
    ctx.problems.add(yaml, [index, key], `${file} imports itself (${[...ctx.including, full].map((f) => path.basename(f)).join(' -> ')})`);
    return [];
  }
  let child: YamlFile;
  try {
    child = loadYamlFile(full, 'playbook');
  } catch (err) {
    if (!(err instanceof FleetError)) throw err;
    if (err.location) ctx.problems.addError(err);
    else ctx.problems.add(yaml, [index, key], err.message);
    return [];
  }
  if (!Array.isArray(child.value)) {
    ctx.problems.add(child, [], `an imported playbook is a list of plays, got ${describeValue(child.value)}`);
    return [];
  }
  // The imported file's folder is its plays' base: roles/ beside it, relative files (Ansible's loader basedir).
  const dir = path.dirname(full);
  const search = ctx.roles ? { ...ctx.roles.search, playbookDir: dir } : roleSearchFor(dir);
  const inner: ParseContext = {
    ...ctx,
    including: [...ctx.including, full],
    playbookDir: dir,
    roles: { ...ctx.roles!, search },
    loadVars: known,
  };
  const plays = loadEntries(child, inner, parsePlay);
  for (const play of plays) applyImport(play, vars, tags, when);
  return plays;
}

/** What an import gives each play it brings: its vars over the play's, its tags, its `when` first. */
export function applyImport(play: PlayDef, vars: Vars, tags: string[], when: Condition[]): void {
  play.vars = { ...play.vars, ...vars };
  play.tags = [...new Set([...play.tags, ...tags])];
  if (when.length === 0) return;
  play.importWhen = [...when, ...(play.importWhen ?? [])];
  const guard = (nodes: TaskNode[]): void => {
    for (const node of nodes) node.when = [...when, ...node.when];
  };
  guard(play.preTasks);
  guard(play.tasks);
  guard(play.postTasks);
}

function importVars(yaml: YamlFile, index: number, raw: unknown, ctx: ParseContext): Vars {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    ctx.problems.add(yaml, [index, 'vars'], `vars of import_playbook must be a mapping, got ${describeValue(raw)}`);
    return {};
  }
  return { ...(raw as Vars) };
}

function tagList(yaml: YamlFile, index: number, raw: unknown, ctx: ParseContext): string[] {
  if (raw === undefined || raw === null) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.some((t) => typeof t !== 'string' && typeof t !== 'number')) {
    ctx.problems.add(yaml, [index, 'tags'], `tags of import_playbook must be a tag or a list of tags, got ${describeValue(raw)}`);
    return [];
  }
  return list
    .flatMap((t) => String(t).split(','))
    .map((t) => t.trim())
    .filter((t) => t !== '');
}
