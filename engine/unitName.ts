// systemd's unit naming, shared by the systemd module and check mode's predicted unit states.

const SUFFIXES = ['service', 'socket', 'device', 'mount', 'automount', 'swap', 'target', 'path', 'timer', 'slice', 'scope'];

/** The full unit name: `.service` is implied when the name has no unit-type suffix, as systemctl does. */
export function unitName(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 && SUFFIXES.includes(name.slice(dot + 1)) ? name : `${name}.service`;
}
