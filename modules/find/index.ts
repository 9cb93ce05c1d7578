// find (ansible.builtin.find): list files by name, type, age, size, mode and content. Read-only, so it
// runs in check mode too. The host walks with find(1) in one command; the selection (os.walk's order,
// fnmatch/regex names, limit) runs on the controller (select.ts).
import { defineModule, read, type Decision, type ModuleView, type Probe } from '../../engine/module.ts';
import { RegexError, compilePythonRegex } from '../../engine/regex/index.ts';
import { CONTENT_COMMAND, LSTAT_COMMAND, checksumCommand, listingCommand, parseListing, parseLstat, type Listing } from './listing.ts';
import { nameFilter } from './match.ts';
import { findSchema, type FindArgs } from './schema.ts';
import { normpath, select, type Extras, type FindResult, type Selection } from './select.ts';

/** Most bytes of candidate files read to the controller for `contains`. */
export const MAX_CONTENT_BYTES = 32 * 1024 * 1024;

/** What probe found: an argument problem, a check-mode unknown, or the result. */
export type FindFacts = { problem: string } | { unknown: string } | { result: Omit<FindResult, 'regular'> };

/** Ansible's list conversion: a string is split on commas. */
const asList = (v: string | string[] | null | undefined): string[] => (v == null ? [] : typeof v === 'string' ? v.split(',') : v);

/** `<number><unit>` (age: s m h d w; size: b k m g t), as Ansible parses it; undefined if it does not parse. */
function withUnit(value: string | number, units: Record<string, number>): number | undefined {
  const m = /^(-?\d+)([a-z])?$/.exec(String(value).toLowerCase());
  if (!m || (m[2] !== undefined && !(m[2] in units))) return undefined;
  return Number(m[1]) * (m[2] ? units[m[2]]! : 1);
}

/** The selection the arguments ask for, or the failure message. */
export function selection(args: FindArgs): Selection | string {
  let age: number | undefined;
  if (args.age != null) {
    age = withUnit(args.age, { s: 1, m: 60, h: 3600, d: 86400, w: 604800 });
    if (age === undefined) return 'failed to process age';
  }
  let size: number | undefined;
  if (args.size != null) {
    size = withUnit(args.size, { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 });
    if (size === undefined) return 'failed to process size';
  }
  if (args.limit != null && args.limit <= 0) return `limit cannot be ${args.limit} (use None for unlimited)`;
  let mode: Selection['mode'];
  if (args.mode) {
    if (!/^[0-7]+$/.test(args.mode)) return `mode '${args.mode}': only octal modes are supported (symbolic ones are not yet)`;
    mode = { bits: Number.parseInt(args.mode, 8) & 0o7777, exact: args.exact_mode !== false };
  }
  const useRegex = args.use_regex === true;
  let patterns = asList(args.patterns);
  if (patterns.length === 0) patterns = [useRegex ? '.*' : '*'];
  try {
    return {
      names: nameFilter(patterns, asList(args.excludes), useRegex),
      fileType: args.file_type ?? 'file',
      recurse: args.recurse === true,
      depth: args.depth ?? 0,
      hidden: args.hidden === true,
      follow: args.follow === true,
      ...(age !== undefined ? { age } : {}),
      ageStamp: args.age_stamp ?? 'mtime',
      ...(size !== undefined ? { size } : {}),
      ...(mode ? { mode } : {}),
      ...(args.contains != null
        ? { contains: { re: compilePythonRegex(args.contains, { kind: 'arguments' }), wholeFile: args.read_whole_file === true } }
        : {}),
      ...(args.limit != null ? { limit: args.limit } : {}),
    };
  } catch (err) {
    if (err instanceof RegexError) return `find: ${err.message}`;
    throw err;
  }
}

/** The search paths; a string names the first one that is not absolute. */
function searchPaths(args: FindArgs): string[] | string {
  const paths = asList(args.paths);
  // Ansible expands ~ and variables on the host and resolves relative paths against its working directory.
  const bad = paths.find((p) => p !== '' && !p.startsWith('/'));
  return bad !== undefined ? `paths must be absolute: '${bad}'` : paths;
}

/** find's exit status says little (an unreadable directory); the listing read fails only when there is no output. */
function listingRead(paths: string[], s: Selection) {
  const maxDepth = !s.recurse || s.depth < 0 ? 1 : s.depth > 0 ? s.depth + 1 : undefined;
  return {
    command: listingCommand(paths, { follow: s.follow, ...(maxDepth !== undefined ? { maxDepth } : {}) }),
    parse: (r: import('../../engine/types.ts').ExecResult): Listing => {
      if (r.stdout === '') throw new Error(`find: cannot list ${paths.join(', ')}: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
      return parseListing(r, paths, s.follow);
    },
  };
}

const stdinList = (paths: string[]) => `${paths.join('\0')}\0`;

function* probeFind(args: FindArgs, view: ModuleView): Probe<FindFacts> {
  const s = selection(args);
  if (typeof s === 'string') return { problem: s };
  const paths = searchPaths(args);
  if (typeof paths === 'string') return { problem: paths };
  // Check mode lists the unchanged host: a path an earlier task would create or change below a search
  // path would be missing from (or wrong in) the result, so the result is unknown then.
  const touched = view.check ? paths.find((p) => p !== '' && view.predicted.hasFileUnder(normpath(p))) : undefined;
  if (touched !== undefined) return { unknown: `an earlier task would change files under ${touched}; check mode cannot list them` };

  const listing = yield* read(listingRead(paths, s));
  const extras: Extras = {};
  if (s.follow) {
    const links = listing.paths.flatMap((p) =>
      p.isDir ? p.entries.filter((e) => e.type === 'l').map((e) => normpath(`${p.path}/${e.rel}`)) : [],
    );
    if (links.length > 0) {
      extras.lstat = yield* read({ command: LSTAT_COMMAND, stdin: stdinList(links), parse: (r) => parseLstat(r.stdout) });
    }
  }
  if (s.contains) {
    const { candidates } = select(listing, s, extras);
    const sizes = new Map<string, number>();
    for (const p of listing.paths) if (p.isDir) for (const e of p.entries) sizes.set(normpath(`${p.path}/${e.rel}`), e.size);
    const total = candidates.reduce((n, c) => n + (sizes.get(c) ?? 0), 0);
    if (total > MAX_CONTENT_BYTES) {
      return {
        problem: `contains: the ${candidates.length} candidate files hold ${total} bytes, more than fleetplay reads (${MAX_CONTENT_BYTES}); narrow patterns, size or depth`,
      };
    }
    extras.content = new Map();
    if (candidates.length > 0) {
      const lines = yield* read({ command: CONTENT_COMMAND, stdin: stdinList(candidates), parse: (r) => r.stdout.split('\n') });
      candidates.forEach((c, i) => {
        const line = lines[i];
        if (line !== undefined && line !== '!') extras.content?.set(c, Buffer.from(line, 'base64'));
      });
    }
  }
  let result = select(listing, s, extras);
  if (args.get_checksum === true && result.regular.length > 0) {
    const files = [...new Set(result.regular)];
    const algorithm = args.checksum_algorithm ?? 'sha1';
    const sums = yield* read({ command: checksumCommand(algorithm), stdin: stdinList(files), parse: (r) => r.stdout.split('\n') });
    const failed = files.findIndex((_, i) => sums[i] === undefined || sums[i]!.startsWith('!'));
    if (failed >= 0) {
      return { problem: `error while accessing the file ${files[failed]}, error was: ${sums[failed]?.slice(1) ?? 'no output'}` };
    }
    extras.checksum = new Map(files.map((f, i) => [f, sums[i]!]));
    result = select(listing, s, extras);
  }
  const { regular: _regular, candidates: _candidates, ...out } = result;
  return { result: out };
}

function decideFind(_args: FindArgs, facts: FindFacts): Decision<never> {
  if ('problem' in facts) return { kind: 'failed', msg: facts.problem };
  if ('unknown' in facts) return { kind: 'unknown', msg: facts.unknown };
  const { msg, ...data } = facts.result;
  return { kind: 'ok', msg, data: { ...data } };
}

/** The find module. Its result is `{ files: [{ path, mode, isdir, isreg, islnk, size, mtime, uid, ... }], matched, examined, skipped_paths }`. */
export const findFilesModule = defineModule<FindArgs, FindFacts, never>({
  name: 'find',
  summary: 'List files by name, type, age, size, mode and content (read-only).',
  runsOn: 'host',
  schema: findSchema,
  probe: probeFind,
  decide: decideFind,
});
