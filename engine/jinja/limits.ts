// Limits on a Jinja2 template's shape and on the work one rendering may do. They follow the Handlebars
// renderer's (engine/template/limits.ts, engine/template/builtins.ts): the same nesting depth, the same
// work budget and output length, so that either engine stops a hostile or generated template in about a second.
import { MAX_RENDER_WORK, MAX_RENDERED_LENGTH } from '../template/builtins.ts';
import { MAX_TEMPLATE_NESTING } from '../template/limits.ts';

/** Most tags (`{{ }}`, `{% %}`) in one template file: each is parsed as an expression or a statement. */
export const MAX_JINJA_TAGS = 20_000;
/** Deepest nesting of blocks (`if`, `for`, `set`…`endset`, `macro`, …) in one template. */
export const MAX_JINJA_NESTING = MAX_TEMPLATE_NESTING;
/**
 * Most work one rendering may do, its includes and macro calls included: one unit per executed statement,
 * per loop iteration and per printed value, plus one per 8 characters printed.
 */
export const MAX_JINJA_WORK = MAX_RENDER_WORK;
/** Longest text one rendering may produce (characters), includes and macro output included. */
export const MAX_JINJA_OUTPUT = MAX_RENDERED_LENGTH;
/** Deepest chain of includes and macro calls (a template that includes itself stops here). */
export const MAX_JINJA_CALL_DEPTH = 32;
/** Most parsed templates kept in memory, keyed by their text. */
export const MAX_JINJA_CACHED = 512;
