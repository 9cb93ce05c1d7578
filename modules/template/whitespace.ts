// template's `trim_blocks`, `lstrip_blocks` and `newline_sequence`. The task's renderer (view.renderFile) uses Ansible's
// defaults (trim_blocks true, lstrip_blocks false); other values render here with the same Jinja engine,
// variables, lookups and include search as that renderer (engine/executor/runTask.ts renderJinjaFile).
import path from 'node:path';
import { renderJinja } from '../../engine/jinja/index.ts';
import { withLookups } from '../../engine/lookups/ambient.ts';
import type { ModuleView } from '../../engine/module.ts';

/** The whitespace arguments of a template task. */
export interface WhitespaceArgs {
  trim_blocks?: boolean;
  lstrip_blocks?: boolean;
  newline_sequence?: string;
}

/**
 * The rendered text with the newline_sequence ('\n', '\r' or '\r\n'; default '\n'). Jinja2 applies it
 * to the template's own newlines (and to the trailing ones Ansible adds back); the renderer gives no such
 * hook, so here every newline of the result is turned into it, also those inside variable values (a
 * difference from Ansible only for values holding newlines).
 */
export function withNewlineSequence(text: string, seq: string | undefined): string {
  if (seq === undefined || seq === '\n') return text;
  return text.replace(/\r\n|\r|\n/g, seq);
}

/** Renders `text` (the template file `src`) with the task's whitespace arguments. */
export function renderWithWhitespace(view: ModuleView, text: string, src: string, args: WhitespaceArgs): string {
  const trimBlocks = args.trim_blocks ?? true;
  const lstripBlocks = args.lstrip_blocks ?? false;
  // fleetplay's .hbs templates are Handlebars, which has neither option.
  if ((trimBlocks && !lstripBlocks) || path.extname(src) === '.hbs') return view.renderFile(text, src);
  const search = (name: string) => view.resolveLocalPath(name, 'templates');
  return withLookups(view.lookups, () =>
    renderJinja(text, view.vars, src, { trimBlocks, lstripBlocks, search, ...(view.lookups ? { context: view.lookups } : {}) }),
  );
}
