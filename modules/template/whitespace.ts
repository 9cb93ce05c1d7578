// template's `trim_blocks` and `lstrip_blocks`. The task's renderer (view.renderFile) uses Ansible's
// defaults (trim_blocks true, lstrip_blocks false); other values render here with the same Jinja engine,
// variables, lookups and include search as that renderer (engine/executor/runTask.ts renderJinjaFile).
import path from 'node:path';
import { FleetError } from '../../engine/errors.ts';
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
 * Throws for a newline_sequence other than Ansible's default '\n': Jinja2 applies it to the template's
 * own newlines only (not to those inside variable values), which the renderer cannot do yet.
 */
export function requireNewlineSequence(args: WhitespaceArgs): void {
  const seq = args.newline_sequence;
  if (seq === undefined || seq === '\n') return;
  throw new FleetError('arguments', `template: newline_sequence ${JSON.stringify(seq)} is not supported yet (only "\\n", the default)`);
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
