// template's `trim_blocks`, `lstrip_blocks`, `newline_sequence` and the delimiters (`variable_start_string`, …). The task's renderer (view.renderFile) uses Ansible's
// defaults (trim_blocks true, lstrip_blocks false); other values render here with the same Jinja engine,
// variables, lookups and include search as that renderer (engine/executor/runTask.ts renderJinjaFile).
import path from 'node:path';
import { DELIMITER_SETTINGS, type Delimiters } from '../../engine/jinja/delimiters.ts';
import { renderJinja } from '../../engine/jinja/index.ts';
import { withLookups } from '../../engine/lookups/ambient.ts';
import type { ModuleView } from '../../engine/module.ts';

/** The whitespace arguments of a template task. */
export interface WhitespaceArgs {
  trim_blocks?: boolean;
  lstrip_blocks?: boolean;
  newline_sequence?: string;
  variable_start_string?: string;
  variable_end_string?: string;
  block_start_string?: string;
  block_end_string?: string;
  comment_start_string?: string;
  comment_end_string?: string;
}

// Ansible's template action maps the escaped spellings ('\r\n' written in single quotes) to the real ones.
const ESCAPED: Readonly<Record<string, string>> = { '\\n': '\n', '\\r': '\r', '\\r\\n': '\r\n' };

/** The delimiters the task sets, by Jinja2 field (none: the defaults). */
function taskDelimiters(args: WhitespaceArgs): Partial<Delimiters> {
  const out: Partial<Delimiters> = {};
  for (const [setting, field] of DELIMITER_SETTINGS) {
    const value = args[setting as keyof WhitespaceArgs];
    if (typeof value === 'string') out[field] = value;
  }
  return out;
}

/**
 * The rendered text with the newline_sequence ('\n', '\r' or '\r\n'; default '\n'). Jinja2 applies it
 * to the template's own newlines (and to the trailing ones Ansible adds back); the renderer gives no such
 * hook, so here every newline of the result is turned into it, also those inside variable values (a
 * difference from Ansible only for values holding newlines).
 */
export function withNewlineSequence(text: string, given: string | undefined): string {
  const seq = given === undefined ? undefined : (ESCAPED[given] ?? given);
  if (seq === undefined || seq === '\n') return text;
  return text.replace(/\r\n|\r|\n/g, seq);
}

/** Renders `text` (the template file `src`) with the task's whitespace arguments. */
export function renderWithWhitespace(view: ModuleView, text: string, src: string, args: WhitespaceArgs, dest?: string): string {
  const trimBlocks = args.trim_blocks ?? true;
  const lstripBlocks = args.lstrip_blocks ?? false;
  const delimiters = taskDelimiters(args);
  const custom = Object.keys(delimiters).length > 0;
  // fleetplay's .hbs templates are Handlebars, which has none of these options.
  if ((trimBlocks && !lstripBlocks && !custom) || path.extname(src) === '.hbs') return view.renderFile(text, src, dest);
  const search = (name: string) => view.resolveLocalPath(name, 'templates');
  const options = {
    trimBlocks,
    lstripBlocks,
    search,
    ...(dest !== undefined ? { destPath: dest } : {}),
    ...(custom ? { delimiters } : {}),
    ...(view.lookups ? { context: view.lookups } : {}),
  };
  return withLookups(view.lookups, () => renderJinja(text, view.vars, src, options));
}
