// timezone (community.general.timezone): the system time zone, as /etc/localtime (a link into
// /usr/share/zoneinfo) and Debian's /etc/timezone. The walk-through module of docs/modules.md: one
// folder and one registry line; the engine batches its read and predicts it in check mode unchanged.
import type { FromSchema } from 'json-schema-to-ts';
import { defineModule, read, type Decision, type ModuleView, type Probe } from '../../engine/module.ts';
import { shellQuote } from '../../engine/quote.ts';
import type { ExecResult, PredictedState } from '../../engine/types.ts';
import { writeRemoteFile } from '../lib/writeFile.ts';

const LOCALTIME = '/etc/localtime';
const TIMEZONE_FILE = '/etc/timezone';
const ZONEINFO = '/usr/share/zoneinfo/';

const schema = {
  type: 'object',
  properties: {
    name: {
      type: 'string',
      // Area/Location names of the tz database: no '..', no leading '/', nothing a shell or a path could misread.
      pattern: '^(?!.*\\.\\.)[A-Za-z0-9_+][A-Za-z0-9_+./-]*$',
      description: "a time zone of the tz database, such as 'Europe/Berlin' or 'UTC'",
    },
  },
  required: ['name'],
  additionalProperties: false,
} as const;

type Args = FromSchema<typeof schema>;

/** What the host has: the zone /etc/localtime points at, /etc/timezone's zone, and whether the wanted zone exists. */
interface Facts {
  linked?: string;
  written?: string;
  known: boolean;
}

/** What apply does: the zone to set. */
interface Change {
  zone: string;
}

/** One read: the link, the file, and whether the zone's data file exists. */
function* probe(args: Args, view: ModuleView): Probe<Facts> {
  const zone = args.name;
  const command = [
    `readlink -- ${LOCALTIME} 2>/dev/null; echo --`,
    `cat -- ${TIMEZONE_FILE} 2>/dev/null; echo --`,
    `if [ -f ${shellQuote(ZONEINFO + zone)} ]; then echo known; fi`,
  ].join('; ');
  const host = yield* read({ command, parse: parseFacts });
  if (!view.check) return host;
  // Check mode: what earlier tasks would have left wins over what the unchanged host says.
  const link = view.predicted.file(LOCALTIME);
  const file = view.predicted.file(TIMEZONE_FILE);
  return {
    ...host,
    ...(link?.type === 'link' ? { linked: zoneOf(link.target) } : link?.type === 'absent' ? { linked: undefined } : {}),
    ...(file?.type === 'file' && file.content !== undefined
      ? { written: file.content.trim() }
      : file?.type === 'absent'
        ? { written: undefined }
        : {}),
  };
}

function parseFacts(r: ExecResult): Facts {
  const [link = '', file = '', rest = ''] = r.stdout.split(/^--$/m).map((s) => s.trim());
  return { ...(link ? { linked: zoneOf(link) } : {}), ...(file ? { written: file } : {}), known: rest === 'known' };
}

/** The zone a link target names ('/usr/share/zoneinfo/Europe/Berlin' or '../usr/share/zoneinfo/UTC'). */
function zoneOf(target: string): string {
  const at = target.indexOf(ZONEINFO.slice(1));
  return at >= 0 ? target.slice(at + ZONEINFO.length - 1) : target;
}

function decide(args: Args, facts: Facts): Decision<Change> {
  const zone = args.name;
  const data = { timezone: zone };
  if (facts.linked === zone && (facts.written === undefined || facts.written === zone))
    return { kind: 'ok', msg: `the time zone is ${zone}`, data };
  if (!facts.known)
    return { kind: 'failed', msg: `unknown time zone '${zone}' (no ${ZONEINFO}${zone} on the host: is tzdata installed?)`, data };
  const before = facts.linked ?? '(none)';
  return {
    kind: 'change',
    msg: `set the time zone to ${zone} (was ${before})`,
    summary: [{ verb: 'set', object: 'the time zone', named: true }],
    diff: [{ header: 'time zone', before: `${before}\n`, after: `${zone}\n` }],
    data,
    change: { zone },
  };
}

export const timezoneModule = defineModule<Args, Facts, Change>({
  name: 'timezone',
  summary: 'The system time zone.',
  runsOn: 'host',
  schema,
  probe,
  decide,
  async apply({ zone }, host) {
    // The link is made beside /etc/localtime and renamed over it, so it is never missing or half made.
    const link = await host.run(
      [
        'set -e',
        `tmp=$(mktemp -u -- /etc/.fleetplay-localtime.XXXXXX)`,
        `ln -s -- ${shellQuote(ZONEINFO + zone)} "$tmp"`,
        `mv -fT -- "$tmp" ${LOCALTIME}`,
      ].join('\n'),
    );
    if (link.exitCode !== 0) return { kind: 'failed', msg: link.stderr.trim() || `exit ${link.exitCode}` };
    await writeRemoteFile(host, TIMEZONE_FILE, `${zone}\n`, {});
    return { kind: 'changed', msg: `set the time zone to ${zone}`, data: { timezone: zone } };
  },
  predict(decision: Decision<Change>, predicted: PredictedState) {
    if (decision.kind !== 'change') return;
    const zone = decision.change.zone;
    predicted.setFile(LOCALTIME, { type: 'link', target: ZONEINFO + zone });
    predicted.setFile(TIMEZONE_FILE, { type: 'file', content: `${zone}\n`, mode: '0644', owner: 'root', group: 'root' });
  },
});
