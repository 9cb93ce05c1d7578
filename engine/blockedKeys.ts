// The property names no template, expression or variable lookup may read, whatever the container: they
// reach an object's prototype or its accessors. One list for the template engine and the expression
// language, so that neither can be left a name behind the other.

/** Names that could reach a prototype or a function. */
export const BLOCKED_KEYS: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
]);
