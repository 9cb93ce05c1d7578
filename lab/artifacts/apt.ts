// Fetching Debian's containerd, runc and CNI packages (and those the lab apt repositories serve): the host's own suite, plus a newer containerd from a
// temporary apt configuration whose archive URI is read from the machine's own sources (never written in the repo).
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabError } from '../types.ts';
import type { Step } from './step.ts';

/** Packages taken from the host's own suite (bookworm): containerd 1.6, runc 1.1 and the CNI plugins. */
export const HOST_SUITE_PACKAGES = ['containerd', 'runc', 'containernetworking-plugins'];

/** The newer suite and what comes from it; trixie's runc needs glibc 2.38, so only containerd (static Go) is taken. */
export const NEWER_SUITE = { suite: 'trixie', packages: ['containerd'] } as const;

/** One downloaded .deb and what dpkg-deb says about it. */
export interface DownloadedDeb {
  package: string;
  /** Debian version, e.g. 1.6.20~ds1-1+deb12u3. */
  version: string;
  architecture: string;
  suite: string;
  file: string;
}

/** The main Debian archive of this machine: its URI and, when it names a keyring file, its Signed-By. */
export interface DebianMirror {
  uri: string;
  signedBy?: string;
}

/** Where apt keeps the machine's sources. */
const SOURCES_DIR = '/etc/apt/sources.list.d';
const LEGACY_SOURCES = '/etc/apt/sources.list';

/** The main archive (a stanza with a plain suite like "bookworm", not -security/-updates) from deb822 or one-line sources text. */
export function mirrorFromSources(text: string): DebianMirror | undefined {
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = parseStanza(stanza);
    const suites = (fields.get('suites') ?? '').split(/\s+/);
    const uri = (fields.get('uris') ?? '').split(/\s+/)[0];
    if (!(fields.get('types') ?? '').split(/\s+/).includes('deb') || !uri) continue;
    if (!suites.some(isMainSuite)) continue;
    const signedBy = fields.get('signed-by');
    return signedBy?.startsWith('/') && !/\s/.test(signedBy) ? { uri, signedBy } : { uri };
  }
  for (const line of text.split('\n')) {
    const m = /^deb\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)/.exec(line.trim());
    if (!m?.[2] || !isMainSuite(m[3] ?? '')) continue;
    const signedBy = /signed-by=(\S+)/.exec(m[1] ?? '')?.[1];
    return signedBy ? { uri: m[2], signedBy } : { uri: m[2] };
  }
  return undefined;
}

/** Reads this machine's main Debian archive from /etc/apt/sources.list.d/*.sources (or sources.list). */
export function machineMirror(): DebianMirror {
  const files = existsSync(SOURCES_DIR)
    ? readdirSync(SOURCES_DIR)
        .filter((f) => f.endsWith('.sources') || f.endsWith('.list'))
        .sort()
        .map((f) => join(SOURCES_DIR, f))
    : [];
  if (existsSync(LEGACY_SOURCES)) files.push(LEGACY_SOURCES);
  for (const file of files) {
    const mirror = mirrorFromSources(readFileSync(file, 'utf8'));
    if (mirror) return mirror;
  }
  throw new LabError(`no Debian archive (URIs: of a plain suite) found in ${SOURCES_DIR}/*.sources`);
}

/** Downloads the host-suite packages (plus extraHostPackages) and the newer containerd into dir/<suite>/ and describes each .deb. */
export async function downloadDebs(opts: { dir: string; step: Step; extraHostPackages?: string[] }): Promise<DownloadedDeb[]> {
  const { dir, step } = opts;
  const hostPackages = [...new Set([...HOST_SUITE_PACKAGES, ...(opts.extraHostPackages ?? [])])];
  // apt's sandbox user cannot write into our root-owned temp dirs; downloading as root is fine here.
  const sandbox = ['-o', 'APT::Sandbox::User=root'];
  const timeoutMs = 10 * 60_000;
  const hostDir = join(dir, 'host');
  mkdirSync(hostDir, { recursive: true });
  try {
    await step('env', ['-C', hostDir, 'apt-get', ...sandbox, 'download', ...hostPackages], { timeoutMs });
  } catch (e) {
    throw new LabError(`${(e as Error).message}\n(the host's package lists may be missing: run apt-get update)`);
  }
  const newerDir = join(dir, NEWER_SUITE.suite);
  const aptOptions = temporaryAptConfig(join(dir, `apt-${NEWER_SUITE.suite}`), NEWER_SUITE.suite);
  mkdirSync(newerDir, { recursive: true });
  await step('apt-get', [...sandbox, ...aptOptions, 'update'], { timeoutMs });
  await step('env', ['-C', newerDir, 'apt-get', ...sandbox, ...aptOptions, 'download', ...NEWER_SUITE.packages], { timeoutMs });
  const hostSuite = hostCodename();
  return [...(await describeDebs(hostDir, hostSuite, step)), ...(await describeDebs(newerDir, NEWER_SUITE.suite, step))];
}

// A private sources list, lists dir and cache for one suite, leaving the host's apt state untouched.
function temporaryAptConfig(dir: string, suite: string): string[] {
  const mirror = machineMirror();
  const lists = join(dir, 'lists');
  const cache = join(dir, 'cache');
  for (const d of [join(lists, 'partial'), join(cache, 'archives', 'partial')]) mkdirSync(d, { recursive: true });
  const sourceList = join(dir, 'sources.list');
  const options = mirror.signedBy ? `[signed-by=${mirror.signedBy}] ` : '';
  writeFileSync(sourceList, `deb ${options}${mirror.uri} ${suite} main\n`);
  return [
    '-o',
    `Dir::Etc::sourcelist=${sourceList}`,
    '-o',
    'Dir::Etc::sourceparts=-',
    '-o',
    `Dir::State::Lists=${lists}`,
    '-o',
    `Dir::Cache=${cache}`,
  ];
}

async function describeDebs(dir: string, suite: string, step: Step): Promise<DownloadedDeb[]> {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.deb'))
    .sort();
  return Promise.all(
    files.map(async (f) => {
      const file = join(dir, f);
      const out = (await step('dpkg-deb', ['-f', file, 'Package', 'Version', 'Architecture'])).stdout;
      const field = (name: string): string => new RegExp(`^${name}: (\\S+)$`, 'm').exec(out)?.[1] ?? '';
      return { package: field('Package'), version: field('Version'), architecture: field('Architecture'), suite, file };
    }),
  );
}

function parseStanza(stanza: string): Map<string, string> {
  const fields = new Map<string, string>();
  let last = '';
  for (const line of stanza.split('\n')) {
    if (line.startsWith('#')) continue;
    if (/^\s/.test(line) && last !== '') {
      fields.set(last, `${fields.get(last) ?? ''}\n${line.trim()}`);
      continue;
    }
    const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
    if (!m?.[1]) continue;
    last = m[1].toLowerCase();
    fields.set(last, (m[2] ?? '').trim());
  }
  return fields;
}

function isMainSuite(suite: string): boolean {
  return /^[a-z]+$/.test(suite);
}

function hostCodename(): string {
  try {
    return /^VERSION_CODENAME=(\S+)$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? 'host';
  } catch {
    return 'host';
  }
}
