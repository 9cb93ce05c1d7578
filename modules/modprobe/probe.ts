// What the modprobe module reads: one read-only command (sysfs, /proc/modules, modules.builtin, the boot and
// options files), read through check mode's prediction.
import { read, type ModuleView, type Probe, type PredictedView } from '../../engine/module.ts';
import { shellQuote } from '../../engine/quote.ts';
import { requireOneLine } from '../lib/argumentRules.ts';
import type { ModprobeArgs } from './schema.ts';
import type { FileAttrs, ModprobeFacts, ModuleStatus } from './types.ts';

export const LOAD_DIR = '/etc/modules-load.d';
export const OPTIONS_DIR = '/etc/modprobe.d';

/** The probe: arguments judged first, then one read. */
export function* probeModprobe(args: ModprobeArgs, view: ModuleView): Probe<ModprobeFacts> {
  const name = args.name;
  const params = args.params?.trim() ?? '';
  // Refused before the host is asked anything (decideModprobe checks again, for its other callers).
  requireOneLine('params', params, `${OPTIONS_DIR}/${name}.conf`);
  const r = yield* read({ command: modprobeProbeCommand(name) });
  if (r.exitCode !== 0) return { kind: 'unreadable', msg: `cannot inspect module ${name}: ${r.stderr.trim() || `exit ${r.exitCode}`}` };
  const probed = parseModprobeProbe(r.stdout);
  const status = view.check ? predictModprobe(probed, name, view.predicted) : probed;
  if (typeof status === 'string') return { kind: 'unknown', msg: status };
  return { kind: 'status', status };
}

/** The read-only probe of one module. */
export function modprobeProbeCommand(name: string): string {
  const sys = name.replace(/-/g, '_');
  return [
    `n=${shellQuote(name)}; s=${shellQuote(sys)}`,
    'if [ -d "/sys/module/$s" ]; then echo @sys; fi',
    'if [ -e "/sys/module/$s/initstate" ]; then echo @loadable; fi',
    'if [ -e /proc/modules ]; then echo @modules; fi',
    'if [ -r /proc/modules ] && grep -q "^$s " /proc/modules; then echo @proc; fi',
    'b="/lib/modules/$(uname -r)/modules.builtin"; if [ -r "$b" ] && grep -qE "/($n|$s)\\.ko" "$b"; then echo @builtin; fi',
    `attrs() { printf '@attrs=%s\\t%s\\n' "$1" "$(r=$(readlink -f -- "$1") && stat -c '%a %U %G %n' -- "$r")"; }`,
    `for f in ${LOAD_DIR}/*.conf; do if [ -f "$f" ] && grep -qxE "[[:space:]]*($n|$s)[[:space:]]*" "$f"; then printf '@listed=%s\\t%s\\n' "$f" "$(base64 -w0 < "$f")"; attrs "$f"; fi; done`,
    `f="${OPTIONS_DIR}/$n.conf"; if [ -f "$f" ]; then printf '@options=%s\\n' "$(base64 -w0 < "$f")"; attrs "$f"; fi`,
    'true',
  ].join('\n');
}

/** Parses the output of modprobeProbeCommand. */
export function parseModprobeProbe(output: string): ModuleStatus {
  const lines = output.split('\n');
  const has = (flag: string): boolean => lines.includes(flag);
  const decode = (b64: string): string => Buffer.from(b64, 'base64').toString('utf8');
  const listed = lines
    .filter((l) => l.startsWith('@listed='))
    .map((l) => l.slice('@listed='.length).split('\t'))
    .map(([path, b64]) => ({ path: path ?? '', text: decode(b64 ?? '') }));
  const options = lines.find((l) => l.startsWith('@options='));
  const attrs: Record<string, FileAttrs> = {};
  for (const l of lines) {
    // `@attrs=<path>\t<mode> <owner> <group> <real path>` (stat's %a %U %G %n).
    const m = /^@attrs=([^\t]+)\t(\d+) (\S+) (\S+) (\/.*)$/.exec(l);
    if (m)
      attrs[m[1] as string] = {
        real: m[5] as string,
        mode: (m[2] as string).padStart(4, '0'),
        owner: m[3] as string,
        group: m[4] as string,
      };
  }
  return {
    sys: has('@sys'),
    loadable: has('@loadable'),
    proc: has('@proc'),
    moduleSupport: has('@modules'),
    builtin: has('@builtin'),
    listed,
    ...(options !== undefined ? { options: decode(options.slice('@options='.length)) } : {}),
    ...(Object.keys(attrs).length ? { attrs } : {}),
  };
}

function listsModule(text: string, name: string): boolean {
  return text.split('\n').some((l) => l.trim() === name || l.trim() === name.replace(/-/g, '_'));
}

/**
 * The probe as the real run would read it after the earlier tasks: the module loaded or unloaded by them
 * (/sys/module/<name>) and the texts they would leave in the boot and options files; a message when an
 * earlier task writes one of those files with text check mode does not know.
 */
export function predictModprobe(s: ModuleStatus, name: string, p: Pick<PredictedView, 'file'>): ModuleStatus | string {
  const out: ModuleStatus = { ...s, listed: [] };
  const sys = p.file(`/sys/module/${name.replace(/-/g, '_')}`);
  if (sys?.type === 'directory') Object.assign(out, { sys: true, loadable: true, proc: true });
  if (sys?.type === 'absent') Object.assign(out, { sys: false, loadable: false, proc: false });
  // A file's predicted text: undefined when nothing is predicted, null when it would not exist, and
  // 'unknown' when an earlier task writes it with text check mode does not know.
  const text = (f: string): { text: string | null } | 'unknown' | undefined => {
    const pf = p.file(s.attrs?.[f]?.real ?? f) ?? p.file(f);
    if (pf === undefined) return undefined;
    if (pf.type === 'absent') return { text: null };
    return pf.type === 'file' && pf.content !== undefined ? { text: pf.content } : 'unknown';
  };
  const own = `${LOAD_DIR}/${name}.conf`;
  const optionsFile = `${OPTIONS_DIR}/${name}.conf`;
  const files = [...s.listed.map((l) => l.path), ...(s.listed.some((l) => l.path === own) ? [] : [own]), optionsFile];
  const predicted = new Map(files.map((f) => [f, text(f)]));
  const unknownFile = files.find((f) => predicted.get(f) === 'unknown');
  if (unknownFile)
    return `an earlier task would write ${unknownFile} with text check mode does not know, so what this task changes is unknown`;
  const known = (f: string) => predicted.get(f) as { text: string | null } | undefined;
  for (const f of files.slice(0, -1)) {
    const t = known(f);
    const host = s.listed.find((l) => l.path === f);
    if (t === undefined) {
      if (host) out.listed.push(host);
    } else if (t.text !== null && listsModule(t.text, name)) out.listed.push({ path: f, text: t.text });
  }
  const options = known(optionsFile);
  if (options?.text === null) delete out.options;
  else if (options) out.options = options.text;
  return out;
}
