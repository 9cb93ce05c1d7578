// Templated handler names and notify entries, as Ansible renders them: a task's notify with the task's
// variables (a template may give a list of names); a handler's name with the play's variables (no host),
// once; its listen topics are never rendered (a templated topic answers nothing).
import { isTemplated, renderString, renderValue } from '../template/render.ts';
import type { HandlerDef, SourceLocation, Vars } from '../types.ts';
import type { PlayRun } from './playRun.ts';

/** The handler names and topics a task notifies, its templates rendered with `vars`. */
export function renderedNotify(names: string[], vars: Vars, where: SourceLocation): string[] {
  return names.flatMap((name) => {
    if (!isTemplated(name)) return [name];
    try {
      const value = renderValue(name, vars, where);
      return Array.isArray(value) ? value.map(String) : [String(value)];
    } catch {
      // A name that cannot be rendered notifies nothing, as an unknown name does.
      return [name];
    }
  });
}

const rendered = new WeakMap<HandlerDef, string | undefined>();

/** A handler's name, rendered with the play's variables and the extra vars when it is a template. */
export function handlerName(handler: HandlerDef, run: PlayRun): string | undefined {
  const name = handler.name;
  if (name === undefined || !isTemplated(name)) return name;
  if (rendered.has(handler)) return rendered.get(handler);
  let out: string | undefined;
  try {
    out = renderString(name, { ...run.vars.playVars, ...run.vars.varsFiles, ...run.vars.extraVars, ...run.vars.magic }, handler.location);
  } catch {
    out = name;
  }
  rendered.set(handler, out);
  return out;
}
