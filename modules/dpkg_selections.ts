// dpkg_selections: a package's dpkg selection (install, hold, deinstall, purge), as `apt-mark hold` and
// `dpkg --set-selections` set it. Ansible's arguments; `name` may also be a list (one probe, one change).
//
// A package dpkg has never heard of cannot be held (dpkg would only warn and do nothing), so that fails,
// naming it. In check mode a package an earlier apt task would install counts as known, selection
// `install`; one that no earlier task is predicted to install is `unknown` when the earlier tasks include
// one check mode cannot predict (an apt install from a source added in this run).
import { shellQuote } from '../engine/quote.ts';
import type { ModuleContext, ModuleDefinition, Plan } from '../engine/types.ts';
import { verifyUpload } from './lib/writeFile.ts';
import { PACKAGE_PATTERN } from './apt/request.ts';
import { sourcesChangedInCheck } from './apt/sourcesChanged.ts';

/** The selections dpkg knows. */
export type Selection = 'install' | 'hold' | 'deinstall' | 'purge';

const NAME = `^${PACKAGE_PATTERN.replace(/\(=.*$/, '')}$`;

/** The dpkg_selections module. */
export const dpkgSelectionsModule: ModuleDefinition = {
  name: 'dpkg_selections',
  runsOn: 'host',
  schema: {
    type: 'object',
    properties: {
      name: { anyOf: [{ type: 'string', pattern: NAME }, { type: 'array', items: { type: 'string', pattern: NAME }, minItems: 1 }] },
      selection: { enum: ['install', 'hold', 'deinstall', 'purge'] },
    },
    required: ['name', 'selection'],
    additionalProperties: false,
  },
  async plan(args, ctx) {
    const names = [...new Set(Array.isArray(args.name) ? args.name.map(String) : [String(args.name)])];
    return planSelections(ctx, names, args.selection as Selection);
  },
};

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
    map.set(m[1] ?? '', want === '-' || want === '' ? undefined : (['install', 'hold', 'deinstall', 'purge'].includes(want) ? (want as Selection) : 'unknown'));
  }
  return map;
}

async function planSelections(ctx: ModuleContext, names: string[], selection: Selection): Promise<Plan> {
  const r = await ctx.run(selectionsProbe(names), { readOnly: true });
  if (r.exitCode !== 0) return { kind: 'failed', msg: `cannot read dpkg selections: ${r.stderr.trim() || `exit ${r.exitCode}`}` };
  const current = parseSelections(r.stdout);
  if (ctx.check) {
    // A package an earlier task would install starts with selection `install`; one it would remove is unknown to dpkg.
    for (const n of names) {
      const p = ctx.predicted.packageState(n);
      if (p === 'present' && current.get(n) === undefined) current.set(n, 'install');
    }
  }
  const unknownToDpkg = names.filter((n) => current.get(n) === undefined);
  const data = { selections: Object.fromEntries(names.map((n) => [n, current.get(n) ?? 'not known to dpkg'])) };
  if (unknownToDpkg.length > 0) {
    if (ctx.check && sourcesChangedInCheck(ctx)) {
      return { kind: 'unknown', msg: `${unknownToDpkg.join(', ')} not installed yet; an earlier task installs from apt sources this run adds, which check mode cannot resolve`, data };
    }
    return { kind: 'failed', msg: `dpkg does not know ${unknownToDpkg.join(', ')}: install ${unknownToDpkg.length === 1 ? 'it' : 'them'} before setting a selection`, data };
  }
  const todo = names.filter((n) => current.get(n) !== selection);
  if (todo.length === 0) return { kind: 'ok', msg: `${names.join(', ')}: selection is ${selection}`, data };
  const lines = todo.map((n) => `${n} ${selection}\n`).join('');
  return {
    kind: 'change',
    msg: `set ${todo.join(', ')} to ${selection}`,
    diff: [{ header: 'dpkg selections', before: todo.map((n) => `${n} ${current.get(n)}`).join('\n'), after: todo.map((n) => `${n} ${selection}`).join('\n') }],
    data,
    apply: async () => {
      const script = ['set -e', 't=$(mktemp)', `trap 'rm -f -- "$t"' EXIT`, 'cat > "$t"', ...verifyUpload('"$t"', lines), 'dpkg --set-selections < "$t"'].join('\n');
      const w = await ctx.run(script, { stdin: lines });
      if (w.exitCode !== 0) return { kind: 'failed', msg: `dpkg --set-selections failed: ${w.stderr.trim() || `exit ${w.exitCode}`}`, data };
      return { kind: 'changed', msg: `set ${todo.join(', ')} to ${selection}`, data: { selections: { ...data.selections, ...Object.fromEntries(todo.map((n) => [n, selection])) } } };
    },
  };
}
