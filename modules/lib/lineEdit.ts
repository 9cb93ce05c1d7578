// Editing text files in place (lineinfile, replace): read content and attributes in one command, compute
// the new text on the controller, write it back atomically; plus Python-style regexes and replacement templates.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { compileRegex } from '../../engine/expr/regex.ts';
import { shellQuote } from '../../engine/quote.ts';
import type { DiffEntry, ModuleContext, Plan } from '../../engine/types.ts';
import { attributeCommands, attributeDiffs, type WantedAttributes } from './attributes.ts';
import { writeRemoteFile } from './writeFile.ts';

const CONTENT_MARK = '@@fleetplay-content@@';

/** A text file as read from the host; `path` is the real path (symlinks followed, as Ansible does). */
export type TextFile =
  | { type: 'file'; path: string; mode: string; owner: string; group: string; content: string }
  | { type: 'absent'; path: string; parentExists: boolean }
  | { type: 'directory' | 'other'; path: string };

/** One shell command printing the real path, the type and attributes, and then the content of `file`. */
export function textFileCommand(file: string): string {
  return [
    `p=${shellQuote(file)}`,
    'if [ -L "$p" ]; then r=$(readlink -f -- "$p") || r=$p; else r=$p; fi',
    `printf 'real=%s\\n' "$r"`,
    'if [ -d "$r" ]; then echo type=directory',
    `elif [ -f "$r" ]; then stat --printf='type=file\\nmode=%a\\nowner=%U\\ngroup=%G\\n' -- "$r" && echo ${CONTENT_MARK} && cat -- "$r"`,
    'elif [ -e "$r" ]; then echo type=other',
    `else echo type=absent; if [ -d "$(dirname -- "$r")" ]; then echo parent=yes; else echo parent=no; fi; fi`,
  ].join('\n');
}

/** Parses the output of textFileCommand; `given` is the path as the task wrote it. */
export function parseTextFile(output: string, given: string): TextFile {
  const mark = output.indexOf(`\n${CONTENT_MARK}\n`);
  const head = mark >= 0 ? output.slice(0, mark) : output;
  const kv = new Map<string, string>();
  for (const line of head.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0 && !kv.has(line.slice(0, eq))) kv.set(line.slice(0, eq), line.slice(eq + 1));
  }
  const real = kv.get('real') || given;
  switch (kv.get('type')) {
    case 'file':
      if (mark < 0) throw new Error(`cannot read ${given}: no content in the probe's output`);
      return {
        type: 'file',
        path: real,
        mode: (kv.get('mode') ?? '0').padStart(4, '0'),
        owner: kv.get('owner') ?? '',
        group: kv.get('group') ?? '',
        content: output.slice(mark + CONTENT_MARK.length + 2),
      };
    case 'directory':
      return { type: 'directory', path: real };
    case 'other':
      return { type: 'other', path: real };
    default:
      return { type: 'absent', path: real, parentExists: kv.get('parent') === 'yes' };
  }
}

/** Reads a text file with one round trip; throws when the probe fails (e.g. permission denied). */
export async function readTextFile(ctx: ModuleContext, file: string): Promise<TextFile> {
  // In check mode a text an earlier task would have written (copy, template, lineinfile) wins.
  const predicted = ctx.check ? ctx.predicted.file(file) : undefined;
  if (predicted?.type === 'absent') return { type: 'absent', path: file, parentExists: true };
  if (predicted?.type === 'file' && predicted.content !== undefined) {
    return { type: 'file', path: file, mode: predicted.mode ?? '0644', owner: predicted.owner ?? 'root', group: predicted.group ?? 'root', content: predicted.content };
  }
  const r = await ctx.run(textFileCommand(file), { readOnly: true });
  if (r.exitCode !== 0) throw new Error(`cannot read ${file}: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
  const state = parseTextFile(r.stdout, file);
  // The transport decodes UTF-8; a replacement character means the bytes were not UTF-8 and a write-back would corrupt them.
  if (state.type === 'file' && state.content.includes('\uFFFD')) throw new Error(`${file} is not valid UTF-8 text; refusing to edit it`);
  return state;
}

/** What an edit computed: the new content and a message, or nothing to do. */
export interface TextEdit {
  content: string;
  changed: boolean;
  msg: string;
}

/**
 * Plans writing `edit.content` (when changed) and the wanted attributes to an existing or new file.
 * The diff shows the content change as a unified diff under the task's path.
 */
export function planTextEdit(ctx: ModuleContext, file: string, state: TextFile, edit: TextEdit, wanted: WantedAttributes): Plan {
  const before = state.type === 'file' ? state.content : '';
  const attrDiffs = attributeDiffs(file, state.type === 'file' ? state : {}, wanted);
  const data = { path: file };
  if (!edit.changed && attrDiffs.length === 0) return { kind: 'ok', msg: edit.msg ? `${edit.msg} in ${file}` : `${file} is as wanted`, data };
  const diff: DiffEntry[] = edit.changed ? [{ header: file, before, after: edit.content }, ...attrDiffs] : attrDiffs;
  const attrsMsg = attrDiffs.length ? `set ${attrDiffs.map((d) => d.header.split(' ')[0]).join('/')} of ${file}` : '';
  const msg = [edit.changed ? `${edit.msg} in ${file}` : '', attrsMsg].filter(Boolean).join('; ');
  if (ctx.check) {
    const had = state.type === 'file' ? state : undefined;
    ctx.predicted.setFile(state.path, {
      type: 'file',
      content: edit.content,
      size: Buffer.byteLength(edit.content),
      checksum: createHash('sha256').update(edit.content).digest('hex'),
      mode: wanted.mode ?? had?.mode ?? '0644',
      owner: wanted.owner ?? had?.owner ?? 'root',
      group: wanted.group ?? had?.group ?? 'root',
    });
  }
  return {
    kind: 'change',
    msg,
    diff,
    data,
    apply: async () => {
      if (edit.changed) {
        if (state.type === 'absent' && !state.parentExists) {
          const r = await ctx.run(`mkdir -p -- ${shellQuote(path.posix.dirname(state.path))}`);
          if (r.exitCode !== 0) return { kind: 'failed', msg: `cannot create the directory of ${file}: ${r.stderr.trim()}`, data };
        }
        await writeRemoteFile(ctx, state.path, edit.content, wanted);
      } else {
        const r = await ctx.run(attributeCommands(shellQuote(state.path), wanted).join(' && '));
        if (r.exitCode !== 0) return { kind: 'failed', msg: r.stderr.trim() || `exit ${r.exitCode}`, data };
      }
      return { kind: 'changed', msg, data };
    },
  };
}

// ------------------------------------------------------------------ Python regexes and templates

/**
 * Compiles a Python `re` pattern (named groups, leading inline flags) to a JS RegExp with extra JS `flags`
 * ('m' for re.MULTILINE, 's' for re.DOTALL, 'g', 'd'); throws a readable Error on a bad pattern.
 */
export function pythonRegex(pattern: string, flags = ''): RegExp {
  let re: RegExp;
  try {
    re = compileRegex(pattern, {});
  } catch (err) {
    throw new Error((err as Error).message);
  }
  const all = [...new Set([...re.flags, ...flags])].join('');
  return all === re.flags ? re : new RegExp(re.source, all);
}

/** One piece of a parsed replacement template: literal text or a group reference. */
type TemplatePart = string | { group: number | string };

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07', b: '\b', '\\': '\\' };

/**
 * Parses a Python replacement template (`\1`, `\g<1>`, `\g<name>`, `\n`, `\\`), as used by re.sub and
 * match.expand, so that `$` and other characters stay literal in JS.
 */
export function parseTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let text = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i] as string;
    if (c !== '\\' || i + 1 >= template.length) {
      text += c;
      continue;
    }
    const next = template[i + 1] as string;
    const group = /^g<([^>]*)>/.exec(template.slice(i + 1));
    const digits = /^[0-9]{1,2}/.exec(template.slice(i + 1));
    if (group) {
      const ref = group[1] as string;
      if (!/^(\d+|[A-Za-z_]\w*)$/.test(ref)) throw new Error(`bad group reference \\g<${ref}> in replacement`);
      parts.push(text, { group: /^\d+$/.test(ref) ? Number(ref) : ref });
      text = '';
      i += group[0].length;
    } else if (digits && next !== '0') {
      parts.push(text, { group: Number(digits[0]) });
      text = '';
      i += digits[0].length;
    } else if (next === '0') {
      const oct = /^[0-7]{1,3}/.exec(template.slice(i + 1))?.[0] ?? '0';
      text += String.fromCharCode(parseInt(oct, 8));
      i += oct.length;
    } else if (ESCAPES[next] !== undefined) {
      text += ESCAPES[next];
      i++;
    } else if (/[A-Za-z]/.test(next)) {
      throw new Error(`bad escape \\${next} in replacement`);
    } else {
      text += `\\${next}`;
      i++;
    }
  }
  parts.push(text);
  return parts.filter((p) => p !== '');
}

/** Fills a parsed template from a match; an unmatched group gives '' (as in Python 3.5+). */
export function expandTemplate(parts: TemplatePart[], groups: ReadonlyArray<string | undefined>, named?: Record<string, string | undefined>): string {
  let out = '';
  for (const p of parts) {
    if (typeof p === 'string') {
      out += p;
    } else if (typeof p.group === 'number') {
      if (p.group >= groups.length) throw new Error(`invalid group reference ${p.group} in replacement`);
      out += groups[p.group] ?? '';
    } else {
      if (!named || !(p.group in named)) throw new Error(`unknown group name '${p.group}' in replacement`);
      out += named[p.group] ?? '';
    }
  }
  return out;
}
