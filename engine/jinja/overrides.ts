// The `#jinja2:` first line of a template (`#jinja2: trim_blocks:False, lstrip_blocks:True`), as Ansible's
// templar reads it: the line is removed from the output and its settings override the environment's (and the
// template task's own trim_blocks / lstrip_blocks). Values are Python literals. keep_trailing_newline changes
// nothing here: Ansible adds back the template's trailing newlines either way. Other settings (delimiters,
// newline_sequence) are refused with the reason, not ignored. The delimiters (variable_start_string, …) take
// a quoted string.
import { FleetError, excerptAt } from '../errors.ts';
import { DELIMITER_SETTINGS, type Delimiters } from './delimiters.ts';

/** Ansible's marker of an override line (JINJA2_OVERRIDE). */
export const OVERRIDE_MARKER = '#jinja2:';

/** A template without its override line, the settings that line gives, and how many lines it took. */
export interface TemplateOverrides {
  body: string;
  trimBlocks?: boolean;
  lstripBlocks?: boolean;
  /** The delimiters the line sets. */
  delimiters?: Partial<Delimiters>;
  /** line_statement_prefix: lines starting with it are statements (lineStatements.ts). */
  lineStatementPrefix?: string;
  /** 1 when an override line was removed (errors in the body are one line further down the file), else 0. */
  lineShift: number;
}

/** Reads the override line of `text` (from `file`, for errors); a text without one comes back as it is. */
export function readOverrides(text: string, file: string): TemplateOverrides {
  if (!text.startsWith(OVERRIDE_MARKER)) return { body: text, lineShift: 0 };
  const eol = text.indexOf('\n');
  const line = text.slice(OVERRIDE_MARKER.length, eol < 0 ? text.length : eol);
  const out: TemplateOverrides = { body: eol < 0 ? '' : text.slice(eol + 1), lineShift: 1 };
  const fail = (message: string): never => {
    throw new FleetError('template', message, { location: { file, line: 1, column: 1 }, excerpt: excerptAt(text, 1, 1, 0) });
  };
  for (const pair of line.split(',')) {
    const colon = pair.indexOf(':');
    if (colon < 0) fail(`failed to parse jinja2 override '${pair.trim()}': use key:value pairs separated by commas`);
    const key = pair.slice(0, colon).trim();
    const raw = pair.slice(colon + 1).trim();
    if (key === 'trim_blocks' || key === 'lstrip_blocks' || key === 'keep_trailing_newline') {
      const value = truthOf(raw);
      if (value === undefined)
        fail(`jinja2 override ${key} must be a Python literal (True, False, a number or a quoted string), got '${raw}'`);
      if (key === 'trim_blocks') out.trimBlocks = value;
      if (key === 'lstrip_blocks') out.lstripBlocks = value;
      continue;
    }
    if (key === 'line_statement_prefix') {
      const quoted = /^(['"])(.+)\1$/.exec(raw);
      if (!quoted?.[2] || quoted[2].includes('\\')) fail(`jinja2 override ${key} must be a quoted string, got '${raw}'`);
      out.lineStatementPrefix = quoted?.[2] ?? '';
      continue;
    }
    const field = DELIMITER_SETTINGS.get(key);
    if (field) {
      const quoted = /^(['"])(.+)\1$/.exec(raw);
      if (!quoted?.[2] || quoted[2].includes('\\')) fail(`jinja2 override ${key} must be a quoted string, got '${raw}'`);
      out.delimiters = { ...out.delimiters, [field]: quoted?.[2] };
      continue;
    }
    fail(
      `jinja2 override '${key}' is not supported (only trim_blocks, lstrip_blocks, keep_trailing_newline, line_statement_prefix and the delimiters: ${[...DELIMITER_SETTINGS.keys()].join(', ')})`,
    );
  }
  return out;
}

/** `err`, located one line further down when it lies in the body of `file` (whose override line was removed). */
export function shiftedError(err: unknown, file: string, text: string, shift: number): unknown {
  if (shift === 0 || !(err instanceof FleetError) || err.location?.file !== file) return err;
  const line = err.location.line + shift;
  const { column } = err.location;
  return new FleetError(err.kind, err.message, { location: { ...err.location, line }, excerpt: excerptAt(text, line, column, 0) });
}

/**
 * How Jinja2 reads the Python literal Ansible sets (ast.literal_eval): by its truth, so `"true"` and `"false"`
 * (non-empty strings) are both true, as in Ansible. Undefined for what is not such a literal.
 */
function truthOf(raw: string): boolean | undefined {
  if (raw === 'True') return true;
  if (raw === 'False' || raw === 'None') return false;
  if (/^[-+]?\d+(\.\d*)?$/.test(raw)) return Number(raw) !== 0;
  const quoted = /^(['"])(.*)\1$/.exec(raw);
  if (quoted) return (quoted[2] ?? '') !== '';
  return undefined;
}
