// dpkg_selections: a package's dpkg selection (install, hold, deinstall, purge), as `apt-mark hold` and
// `dpkg --set-selections` set it. Ansible's arguments; `name` may also be a list (one probe, one change).
//
// A package dpkg has never heard of cannot be held (dpkg would only warn and do nothing), so that fails,
// naming it. In check mode a package an earlier apt task would install counts as known, selection
// `install`; one that no earlier task is predicted to install is `unknown` when the earlier tasks include
// one check mode cannot predict (an apt install from a source added in this run).
import type { FromSchema } from 'json-schema-to-ts';
import { defineModule, read, type Decision, type ModuleView, type Probe } from '../../engine/module.ts';
import { shellQuote } from '../../engine/quote.ts';
import type { ResultData } from '../../engine/types.ts';
import { verifyUpload } from '../lib/writeFile.ts';
import { PACKAGE_PATTERN, sourcesChangedInCheck } from '../lib/aptSources.ts';

/** The selections dpkg knows. */
export type Selection = 'install' | 'hold' | 'deinstall' | 'purge';

const NAME = `^${PACKAGE_PATTERN.replace(/\(=.*$/, '')}$`;

export const dpkgSelectionsSchema = {
  type: 'object',
  properties: {
    name: {
      anyOf: [
        { type: 'string', pattern: NAME },
        { type: 'array', items: { type: 'string', pattern: NAME }, minItems: 1 },
      ],
    },
    selection: { enum: ['install', 'hold', 'deinstall', 'purge'] },
  },
  required: ['name', 'selection'],
  additionalProperties: false,
} as const;

export type DpkgSelectionsArgs = FromSchema<typeof dpkgSelectionsSchema>;

/** What probe read: the packages' selections (undefined: unknown to dpkg), or why they could not be read. */
export interface DpkgSelectionsFacts {
  names: string[];
  current: Map<string, Selection | 'unknown' | undefined>;
  readError?: string;
}

/** The selections to set: dpkg --set-selections' input, and what the result reports. */
export interface DpkgSelectionsChange {
  lines: string;
  todo: string[];
  selection: Selection;
  data: { selections: Record<string, string> };
}

/** One line per package: `name want` (dpkg's ${db:Status-Want}), or `name -` when dpkg does not know it. */
export function selectionsProbe(names: string[]): string {
  return names
    .map((n) => `printf '%s %s\\n' ${shellQuote(n)} "$(dpkg-query -W -f='\${db:Status-Want}' -- ${shellQuote(n)} 2>/dev/null || echo -)"`)
    .join('\n');
}

/** Parses selectionsProbe's output; a package dpkg does not know maps to undefined. */
export function parseSelections(out: string): Map<string, Selection | 'unknown' | undefined> {
  const map = new Map<string, Selection | 'unknown' | undefined>();
  for (const line of out.split('\n')) {
    const m = /^(\S+) (\S*)$/.exec(line.trim());
    if (!m) continue;
    const want = m[2] ?? '';
    map.set(
      m[1] ?? '',
      want === '-' || want === '' ? undefined : ['install', 'hold', 'deinstall', 'purge'].includes(want) ? (want as Selection) : 'unknown',
    );
  }
  return map;
}

function* probeSelections(args: DpkgSelectionsArgs, view: ModuleView): Probe<DpkgSelectionsFacts> {
  const names = [...new Set(Array.isArray(args.name) ? args.name : [args.name])];
  const r = yield* read({ command: selectionsProbe(names) });
  if (r.exitCode !== 0)
    return { names, current: new Map(), readError: `cannot read dpkg selections: ${r.stderr.trim() || `exit ${r.exitCode}`}` };
  const current = parseSelections(r.stdout);
  if (view.check) {
    // A package an earlier task would install starts with selection `install`; one it would remove is unknown to dpkg.
    for (const n of names) {
      const p = view.predicted.packageState(n);
      if (p === 'present' && current.get(n) === undefined) current.set(n, 'install');
    }
  }
  return { names, current };
}

function decideSelections(args: DpkgSelectionsArgs, facts: DpkgSelectionsFacts, view: ModuleView): Decision<DpkgSelectionsChange> {
  const { names, current } = facts;
  const selection = args.selection;
  if (facts.readError !== undefined) return { kind: 'failed', msg: facts.readError };
  const unknownToDpkg = names.filter((n) => current.get(n) === undefined);
  const data = { selections: Object.fromEntries(names.map((n) => [n, current.get(n) ?? 'not known to dpkg'])) };
  if (unknownToDpkg.length > 0) {
    if (view.check && sourcesChangedInCheck(view)) {
      return {
        kind: 'unknown',
        msg: `${unknownToDpkg.join(', ')} not installed yet; an earlier task installs from apt sources this run adds, which check mode cannot resolve`,
        data,
      };
    }
    return {
      kind: 'failed',
      msg: `dpkg does not know ${unknownToDpkg.join(', ')}: install ${unknownToDpkg.length === 1 ? 'it' : 'them'} before setting a selection`,
      data,
    };
  }
  const todo = names.filter((n) => current.get(n) !== selection);
  if (todo.length === 0) return { kind: 'ok', msg: `${names.join(', ')}: selection is ${selection}`, data };
  return {
    kind: 'change',
    msg: `set ${todo.join(', ')} to ${selection}`,
    summary: [{ verb: '', object: 'dpkg_selections change' }],
    diff: [
      {
        header: 'dpkg selections',
        before: todo.map((n) => `${n} ${current.get(n)}`).join('\n'),
        after: todo.map((n) => `${n} ${selection}`).join('\n'),
      },
    ],
    data,
    change: { lines: todo.map((n) => `${n} ${selection}\n`).join(''), todo, selection, data },
  };
}

/** The dpkg_selections module. */
export const dpkgSelectionsModule = defineModule<DpkgSelectionsArgs, DpkgSelectionsFacts, DpkgSelectionsChange>({
  name: 'dpkg_selections',
  summary: "A package's dpkg selection: install, hold, deinstall or purge.",
  runsOn: 'host',
  schema: dpkgSelectionsSchema,
  probe: probeSelections,
  decide: decideSelections,
  async apply({ lines, todo, selection, data }, host) {
    const script = [
      'set -e',
      't=$(mktemp)',
      `trap 'rm -f -- "$t"' EXIT`,
      'cat > "$t"',
      ...verifyUpload('"$t"', lines),
      'dpkg --set-selections < "$t"',
    ].join('\n');
    const w = await host.run(script, { stdin: lines });
    if (w.exitCode !== 0)
      return { kind: 'failed', msg: `dpkg --set-selections failed: ${w.stderr.trim() || `exit ${w.exitCode}`}`, data: data as ResultData };
    return {
      kind: 'changed',
      msg: `set ${todo.join(', ')} to ${selection}`,
      data: { selections: { ...data.selections, ...Object.fromEntries(todo.map((n) => [n, selection])) } },
    };
  },
});
