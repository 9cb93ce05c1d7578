// Which role a layer of scope variables belongs to. A role's block (and each of its handlers) carries
// a vars object registered here; the executor finds the innermost one among a task's scope layers and
// adds the role's defaults, vars and params at their levels of precedence (engine/executor/roleVars.ts).
import type { RoleRef, Vars } from '../types.ts';

const ROLE_OF_LAYER = new WeakMap<object, RoleRef>();

/** A vars layer (a copy of `vars`) that marks the scope of `role`. */
export function roleLayer(role: RoleRef, vars: Vars = {}): Vars {
  const layer: Vars = { ...vars };
  ROLE_OF_LAYER.set(layer, role);
  return layer;
}

/** Marks an existing vars object (a handler's own vars) as belonging to `role`. */
export function markRoleLayer(vars: Vars, role: RoleRef): void {
  ROLE_OF_LAYER.set(vars, role);
}

/** The role of the innermost marked layer of `layers` (outermost first), if any. */
export function innermostRole(layers: readonly Vars[]): RoleRef | undefined {
  for (let i = layers.length - 1; i >= 0; i--) {
    const role = ROLE_OF_LAYER.get(layers[i]!);
    if (role) return role;
  }
  return undefined;
}
