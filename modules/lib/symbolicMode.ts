// Ansible's `mode` argument as file, copy and template read it: an int (YAML's 0644 is 420, used as is),
// an octal string ("0644", "644"), or a symbolic mode ("u=rw,g=r,o=", "u+x,g-w", "a+X") computed against
// the path's current mode exactly as Ansible's _symbolic_mode_to_octal (and chmod) do.

/** A mode as the schemas accept it: an int, an octal string, or a symbolic one. */
export const anyModeSchema = {
  anyOf: [
    { type: 'integer', minimum: 0, maximum: 0o7777 },
    { type: 'string', pattern: '^(0?[0-7]{3,4}|(a|[ugo]*)([-+=][rwxXstugo]*)+(,(a|[ugo]*)([-+=][rwxXstugo]*)+)*)$' },
  ],
} as const;

const OCTAL = /^0?[0-7]{3,4}$/;
const CLAUSE = /^(a|[ugo]*)([-+=][rwxXstugo]*)+$/;
const S_IRWXU = 0o700;
const S_IRWXG = 0o070;
const S_IRWXO = 0o007;

/** Whether `mode` needs the current mode to be resolved (a symbolic mode). */
export function isSymbolicMode(mode: unknown): mode is string {
  return typeof mode === 'string' && mode.trim() !== '' && !OCTAL.test(mode.trim());
}

/** Refuses a symbolic mode Ansible refuses ("bad symbolic permission for mode"); undefined when it is fine. */
export function symbolicModeProblem(mode: string): string | undefined {
  for (const clause of mode.split(',')) if (!CLAUSE.test(clause)) return `bad symbolic permission for mode: ${clause}`;
  return undefined;
}

/**
 * The mode `spec` leaves on a path whose permission bits are `current` (a directory when `isDir`): four
 * octal digits. `umask` matters only for clauses without a who part ("+x", "=r"), as in chmod.
 */
export function resolveMode(spec: string | number, current: number, isDir: boolean, umask = 0o022): string {
  if (typeof spec === 'number') return format(spec);
  const s = spec.trim();
  if (OCTAL.test(s)) return format(Number.parseInt(s, 8));
  const problem = symbolicModeProblem(s);
  if (problem) throw new Error(problem);
  let mode = current & 0o7777;
  for (const clause of s.split(',')) {
    const who = /^[ugoa]*/.exec(clause)![0];
    const useUmask = who === '';
    const users = who === '' || who.includes('a') ? 'ugo' : who;
    const ops = clause.slice(who.length).match(/[-+=][rwxXstugo]*/g) ?? [];
    for (const op of ops) {
      for (const user of users) {
        const bits = permBits(user as 'u' | 'g' | 'o', op.slice(1), mode, isDir, useUmask ? umask : 0);
        mode = apply(user as 'u' | 'g' | 'o', op[0]!, bits, mode);
      }
    }
  }
  return format(mode);
}

function format(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}

// Ansible's _apply_operation_to_mode: `=` clears the class's rwx and its special bit first.
function apply(user: 'u' | 'g' | 'o', op: string, bits: number, mode: number): number {
  if (op === '+') return mode | bits;
  if (op === '-') return mode & ~bits;
  const mask = user === 'u' ? S_IRWXU | 0o4000 : user === 'g' ? S_IRWXG | 0o2000 : S_IRWXO | 0o1000;
  return (mode & (mask ^ 0o7777)) | bits;
}

// Ansible's _get_octal_mode_from_symbolic_perms: X only for a directory or when any x bit is set now.
function permBits(user: 'u' | 'g' | 'o', perms: string, prev: number, isDir: boolean, umask: number): number {
  const shift = user === 'u' ? 6 : user === 'g' ? 3 : 0;
  const keep = 0o7777 ^ umask;
  const copy = (from: number) => ((from & 7) << shift) & 0o777;
  let out = 0;
  for (const p of perms) {
    switch (p) {
      case 'r':
        out |= (4 << shift) & keep;
        break;
      case 'w':
        out |= (2 << shift) & keep;
        break;
      case 'x':
        out |= (1 << shift) & keep;
        break;
      case 'X':
        if (isDir || (prev & 0o111) !== 0) out |= 1 << shift;
        break;
      case 's':
        out |= user === 'u' ? 0o4000 : user === 'g' ? 0o2000 : 0;
        break;
      case 't':
        out |= user === 'o' ? 0o1000 : 0;
        break;
      case 'u':
        out |= copy(prev >> 6);
        break;
      case 'g':
        out |= copy(prev >> 3);
        break;
      case 'o':
        out |= copy(prev);
        break;
    }
  }
  return out;
}
