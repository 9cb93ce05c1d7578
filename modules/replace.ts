// replace: substitute every match of a Python regex in a file (re.MULTILINE), optionally only between after/before.
import { RegexError } from '../engine/regex/index.ts';
import type { ModuleDefinition } from '../engine/types.ts';
import { wantedAttributes } from './lib/attributes.ts';
import { checkTemplate, parseTemplate, planTextEdit, pythonRegex, readTextFile, type TextEdit } from './lib/lineEdit.ts';
import { modeSchema } from './lib/schemas.ts';

/** What replace was asked to do (Python patterns, a Python replacement template). */
export interface ReplaceSpec {
  regexp: string;
  replace: string;
  after?: string;
  before?: string;
}

/** Applies a ReplaceSpec to text, exactly like Ansible's replace module; throws a RegexError on a bad pattern or template. */
export function replaceText(content: string, spec: ReplaceSpec): TextEdit {
  let start = 0;
  let end = content.length;
  if (spec.after !== undefined || spec.before !== undefined) {
    // Ansible builds one DOTALL pattern around a `subsection` group: lazy between both, greedy with only one.
    const source =
      spec.after !== undefined && spec.before !== undefined
        ? `${spec.after}(?P<subsection>.*?)${spec.before}`
        : spec.after !== undefined
          ? `${spec.after}(?P<subsection>.*)`
          : `(?P<subsection>.*)${spec.before}`;
    const sectionRe = pythonRegex(source, { dotall: true });
    const range = sectionRe.search(content)?.spans[sectionRe.groupIndex('subsection') ?? -1];
    if (!range) return { content, changed: false, msg: `the after/before pattern did not match: ${source}` };
    [start, end] = range;
  }
  const re = pythonRegex(spec.regexp, { multiline: true });
  const template = parseTemplate(spec.replace, 'arguments');
  checkTemplate(template, re, 'arguments');
  const section = content.slice(start, end);
  const { text: out, count } = re.sub(section, template);
  if (count === 0 || out === section) return { content, changed: false, msg: count === 0 ? 'pattern did not match' : 'replacements change nothing' };
  return { content: content.slice(0, start) + out + content.slice(end), changed: true, msg: `${count} replacement${count === 1 ? '' : 's'} made` };
}

/** The replace module. */
export const replaceModule: ModuleDefinition = {
  name: 'replace',
  runsOn: 'host',
  schema: {
    type: 'object',
    properties: {
      path: { type: 'string', minLength: 1 },
      dest: { type: 'string', minLength: 1 },
      regexp: { type: 'string', minLength: 1 },
      replace: { type: 'string' },
      after: { type: 'string', minLength: 1 },
      before: { type: 'string', minLength: 1 },
      mode: modeSchema,
      owner: { type: 'string' },
      group: { type: 'string' },
    },
    required: ['regexp'],
    oneOf: [{ required: ['path'] }, { required: ['dest'] }],
    additionalProperties: false,
  },
  async plan(args, ctx) {
    const file = String(args.path ?? args.dest);
    const spec: ReplaceSpec = {
      regexp: String(args.regexp),
      replace: typeof args.replace === 'string' ? args.replace : '',
      ...(typeof args.after === 'string' ? { after: args.after } : {}),
      ...(typeof args.before === 'string' ? { before: args.before } : {}),
    };
    const state = await readTextFile(ctx, file);
    if (state.type === 'unknown') return { kind: 'unknown', msg: state.msg };
    if (state.type !== 'file') return { kind: 'failed', msg: state.type === 'absent' ? `${file} does not exist` : `${file} is not a regular file (${state.type})` };
    let edit: TextEdit;
    try {
      edit = replaceText(state.content, spec);
    } catch (err) {
      if (err instanceof RegexError) return { kind: 'failed', msg: `replace: ${err.message}` };
      throw err;
    }
    return planTextEdit(ctx, file, state, edit, wantedAttributes(args));
  },
};
