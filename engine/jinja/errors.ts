// Errors of the Jinja2 engine: located by an offset while parsing or rendering one template, then turned
// into a FleetError that names the template file, line and column (with an excerpt) at that template's edge.
import { FleetError, excerptAt } from '../errors.ts';

/** A syntax or rendering problem at `offset` (0-based) of the template being parsed or rendered. */
export class JinjaError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'JinjaError';
  }
}

/** The 1-based line and column of `offset` in `text`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** A template FleetError at `offset` of `text`, from the file `file`. */
export function templateErrorAt(message: string, text: string, file: string, offset: number): FleetError {
  const { line, column } = lineColumn(text, Math.max(0, Math.min(offset, text.length)));
  return new FleetError('template', message, { location: { file, line, column }, excerpt: excerptAt(text, line, column, 0) });
}

/**
 * Any error met while parsing or rendering `text` (from `file`), as a FleetError: located ones at their
 * place, FleetErrors (from an included template, a lazy variable) as they are, anything else at `fallback`.
 */
export function asTemplateError(err: unknown, text: string, file: string, fallback: number): FleetError {
  if (err instanceof JinjaError) return templateErrorAt(err.message, text, file, err.offset);
  if (err instanceof FleetError) return err.location ? err : templateErrorAt(err.message, text, file, fallback);
  if (err instanceof RangeError)
    return templateErrorAt(`template is too deep or too large to render (${err.message})`, text, file, fallback);
  const message = err instanceof Error ? err.message : String(err);
  return templateErrorAt(message, text, file, fallback);
}
