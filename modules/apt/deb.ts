// apt's `deb`: a .deb file on the host or a URL the host downloads, installed with apt-get (which also
// installs its dependencies, as Ansible does before its dpkg -i). Idempotent as in Ansible: nothing to do
// when dpkg has the package at the .deb's version; an older .deb than the installed one fails unless
// allow_downgrade. The probe reads it all in one round trip: it downloads (or links) the file into a
// temporary directory that it removes again, reads the .deb's control fields (dpkg-deb -f), dpkg's state
// of that package, the cache times, and simulates the install when the versions differ.
import { read, type ModuleView, type Probe } from '../../engine/module.ts';
import { shellCommand, shellQuote } from '../../engine/quote.ts';
import { DOWNLOADER_PROBE, fetchCommand, NO_DOWNLOADER_EXIT } from '../lib/download.ts';
import { simulateCommand, simulationWithFilesCommand, type AptAction } from './aptGet.ts';
import { predictDpkg, simulationAction } from './predict.ts';
import { cacheLines } from './cache.ts';
import { parseProbe, type AptProbe } from './probeParse.ts';
import { aptFlags, type AptRequest, type DebSource } from './request.ts';
import { keyValue, parseScript, section } from './script.ts';

/** The name the .deb gets inside the temporary directory (apt-get installs `./*.deb` arguments as files). */
export const DEB_FILE = './package.deb';

/** Seconds the host waits for the server when it downloads a `deb` URL. */
const DOWNLOAD_TIMEOUT = 30;

/** What the probe read of the .deb. */
export interface DebFacts {
  /** Why the .deb could not be read (download failed, not a .deb). */
  error?: string;
  name: string;
  version: string;
  arch: string;
  /** The installed version is newer than the .deb's. */
  older: boolean;
}

/** The install of the .deb, with the flags Ansible's install_deb passes (no autoremove, default_release or only_upgrade). */
export function debAction(req: AptRequest): AptAction {
  const { defaultRelease: _release, onlyUpgrade: _only, ...flags } = aptFlags(req);
  return { verb: 'install', packages: [DEB_FILE], autoremove: false, purge: false, ...flags };
}

/** Shell lines that put the .deb at DEB_FILE in a fresh temporary directory (the cwd); leave the exit code in $r. */
export function debFetchLines(source: DebSource): string[] {
  const get =
    source.kind === 'url'
      ? `${DOWNLOADER_PROBE}; ${fetchCommand(source.url, DEB_FILE, { timeoutSec: DOWNLOAD_TIMEOUT, validateCerts: true })}`
      : `if [ -f ${shellQuote(source.path)} ] && [ -r ${shellQuote(source.path)} ]; then ln -s -- ${shellQuote(source.path)} ${DEB_FILE}; else echo ${shellQuote(`no readable file ${source.path} on the host`)} >&2; exit 2; fi`;
  return [
    'fp_deb=$(mktemp -d "${TMPDIR:-/tmp}/fleetplay-deb.XXXXXX") || exit 1',
    `trap 'cd /; rm -rf -- "$fp_deb"' EXIT`,
    'cd "$fp_deb" || exit 1',
    section('fetch', `( ${get} )`),
  ];
}

/** The deb probe script: fetch, control fields, dpkg's state, cache times, and a simulation when the versions differ. */
export function debProbeCommand(source: DebSource, sim: AptAction, withFiles: boolean): string {
  const simulate = simulateCommand(sim);
  return [
    'export LC_ALL=C',
    ...debFetchLines(source),
    ...cacheLines(),
    'if [ "$r" = 0 ]; then',
    section('fields', shellCommand('dpkg-deb', '-f', DEB_FILE, 'Package', 'Version', 'Architecture')),
    'fi',
    'if [ "$r" = 0 ]; then',
    `  n=$(dpkg-deb -f ${DEB_FILE} Package); v=$(dpkg-deb -f ${DEB_FILE} Version)`,
    section('dpkg', `dpkg-query -W '-f=\${Package}\\t\${Status}\\t\${Version}\\n' -- "$n"`),
    `  iv=$(dpkg-query -W '-f=\${db:Status-Abbrev}|\${Version}' -- "$n" 2>/dev/null)`,
    `  if [ -n "$v" ] && [ "\${iv#ii |}" != "$iv" ] && dpkg --compare-versions "$v" lt "\${iv#ii |}"; then ${keyValue('older', 'yes')}; fi`,
    '  if [ -n "$v" ] && [ "$iv" != "ii |$v" ]; then',
    section('sim', withFiles ? simulationWithFilesCommand(simulate) : simulate),
    '  fi',
    'fi',
  ].join('\n');
}

function fieldsOf(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z-]+): (.*)$/.exec(line);
    if (m) out[m[1] as string] = m[2] as string;
  }
  return out;
}

/** Parses the deb probe's output. */
export function parseDebProbe(stdout: string, source: DebSource): AptProbe {
  const { sections, values } = parseScript(stdout);
  const fetch = sections.get('fetch');
  const what = source.kind === 'url' ? source.url : source.path;
  const empty = { name: '', version: '', arch: '', older: false };
  const base = (): AptProbe => ({ ...parseProbe(stdout, false), fingerprint: '' });
  if (fetch?.rc !== 0) {
    const why = fetch?.rc === NO_DOWNLOADER_EXIT ? 'the host has neither curl nor wget' : fetch?.err.trim() || `exit ${fetch?.rc ?? '?'}`;
    return { ...base(), deb: { ...empty, error: `cannot ${source.kind === 'url' ? 'download' : 'read'} ${what}: ${why}` } };
  }
  const fields = sections.get('fields');
  const f = fieldsOf(fields?.out ?? '');
  if (fields?.rc !== 0 || !f.Package || !f.Version) {
    return {
      ...base(),
      deb: { ...empty, error: `${what} is not a readable .deb: ${fields?.err.trim() || 'no Package or Version field'}` },
    };
  }
  const probe = parseProbe(stdout, true);
  return {
    ...probe,
    fingerprint: '',
    deb: { name: f.Package, version: f.Version, arch: f.Architecture ?? '', older: values.get('older') === 'yes' },
  };
}

/** The deb's one read. In check mode the simulation carries the earlier tasks' predicted package changes. */
export function* probeDeb(req: AptRequest, source: DebSource, view: ModuleView): Probe<AptProbe> {
  const action = debAction(req);
  const sim = view.check ? simulationAction(action, view.predicted) : action;
  const probe = yield* read({
    command: debProbeCommand(source, sim, view.check),
    parse: (r) => parseDebProbe(r.stdout, source),
  });
  if (view.check && probe.deb?.name) probe.dpkg = predictDpkg(probe.dpkg, [probe.deb.name], view.predicted);
  return probe;
}
