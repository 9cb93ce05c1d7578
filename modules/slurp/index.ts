// slurp (ansible.builtin.slurp): a remote file's bytes as base64 in the result; never changes anything,
// so it runs in check mode too (there, a content an earlier task would write wins over the host's).
import type { FromSchema } from 'json-schema-to-ts';
import { MAX_CONTENT_BYTES } from '../../engine/controllerFile.ts';
import { defineModule, read, type Decision, type ModuleView, type Probe } from '../../engine/module.ts';
import { operandPath, shellQuote } from '../../engine/quote.ts';
import type { ExecResult } from '../../engine/types.ts';

/** The largest file slurp reads: the content is held in memory twice (bytes and base64), as in Ansible. */
export const MAX_SLURP_BYTES = MAX_CONTENT_BYTES;

const schema = {
  type: 'object',
  properties: {
    src: { type: 'string', minLength: 1, aliases: ['path'] },
  },
  required: ['src'],
  additionalProperties: false,
} as const;

type Args = FromSchema<typeof schema>;

/** What the host (or check mode's prediction) says about src. */
export type SlurpFacts =
  | { kind: 'content'; base64: string }
  | { kind: 'absent' | 'directory' | 'unreadable' | 'special' }
  | { kind: 'too-big'; size: number }
  | { kind: 'unknown'; why: string };

/**
 * One read: what src is and, for a readable regular file under the limit, its bytes in base64 on one
 * line. `head -c` stops at the limit even if the file grows between the size check and the read.
 */
export function slurpCommand(src: string, limit = MAX_SLURP_BYTES): string {
  const p = shellQuote(operandPath(src));
  return [
    `if [ -d ${p} ]; then echo directory`,
    `elif [ ! -e ${p} ]; then echo absent`,
    `elif [ ! -f ${p} ]; then echo special`,
    `elif [ ! -r ${p} ]; then echo unreadable`,
    `else s=$(stat -L -c %s -- ${p}); if [ "$s" -gt ${limit} ]; then echo "too-big $s"; else echo content; head -c ${limit + 1} -- ${p} | base64 -w0; echo; fi; fi`,
  ].join('; ');
}

/** Parses slurpCommand's output (and refuses a file that grew over the limit while it was read). */
export function parseSlurp(src: string, limit = MAX_SLURP_BYTES): (r: ExecResult) => SlurpFacts {
  return (r) => {
    if (r.exitCode !== 0) throw new Error(`cannot read ${src}: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
    const [head = '', body = ''] = r.stdout.split('\n');
    if (head === 'content') {
      const base64 = body.trim();
      if (Buffer.from(base64, 'base64').length > limit) return { kind: 'too-big', size: limit + 1 };
      return { kind: 'content', base64 };
    }
    if (head.startsWith('too-big ')) return { kind: 'too-big', size: Number(head.slice(8)) };
    if (head === 'absent' || head === 'directory' || head === 'unreadable' || head === 'special') return { kind: head };
    throw new Error(`cannot read ${src}: unexpected answer ${JSON.stringify(head)}`);
  };
}

function* probe(args: Args, view: ModuleView): Probe<SlurpFacts> {
  const src = args.src;
  const predicted = view.check ? view.predicted.file(src) : undefined;
  if (predicted) {
    if (predicted.type === 'absent') return { kind: 'absent' };
    if (predicted.type === 'directory') return { kind: 'directory' };
    if (predicted.type === 'file' && predicted.content !== undefined)
      return { kind: 'content', base64: Buffer.from(predicted.content).toString('base64') };
    if (predicted.type === 'file')
      return { kind: 'unknown', why: `an earlier task would write ${src}, with a content check mode does not know` };
    // A predicted link: what it points at is read from the host below.
  }
  const facts = yield* read({ command: slurpCommand(src), parse: parseSlurp(src) });
  const opaque = view.check && facts.kind === 'absent' ? view.predicted.opaqueTask() : undefined;
  if (opaque) return { kind: 'unknown', why: `${src} does not exist, but the earlier task '${opaque}' may create it` };
  return facts;
}

function decide(args: Args, facts: SlurpFacts): Decision<never> {
  const src = args.src;
  switch (facts.kind) {
    case 'content':
      return {
        kind: 'ok',
        msg: `read ${src} (${Buffer.from(facts.base64, 'base64').length} bytes)`,
        data: { content: facts.base64, encoding: 'base64', source: src },
      };
    case 'absent':
      return { kind: 'failed', msg: `file not found: ${src}` };
    case 'directory':
      return { kind: 'failed', msg: `source is a directory and must be a file: ${src}` };
    case 'unreadable':
      return { kind: 'failed', msg: `file is not readable: ${src}` };
    case 'special':
      // Ansible would read a FIFO or a device until it ends; fleetplay refuses (it might never end).
      return { kind: 'failed', msg: `source is not a regular file (a FIFO, socket or device): ${src}` };
    case 'too-big':
      return {
        kind: 'failed',
        msg: `file is too large to slurp: ${src} is ${facts.size} bytes, over the limit of ${MAX_SLURP_BYTES / 1024 / 1024} MiB (use fetch instead)`,
      };
    case 'unknown':
      return { kind: 'unknown', msg: facts.why };
  }
}

/** The slurp module: `{ content, encoding: 'base64', source }`, never changed. */
export const slurpModule = defineModule<Args, SlurpFacts, never>({
  name: 'slurp',
  summary: "A host file's bytes as base64 (read-only).",
  runsOn: 'host',
  schema,
  probe,
  decide,
});
