// access_time / modification_time: `now`, `preserve`, or a time in the given strptime format (Ansible's
// default '%Y%m%d%H%M.%S'), read as local time on the host, as Ansible's time.mktime(time.strptime(...)) does.

/** A time argument as the decision uses it. */
export type TimeSpec = { kind: 'now' } | { kind: 'preserve' } | { kind: 'at'; local: string; text: string };

/** Ansible's default format of both time arguments. */
export const DEFAULT_TIME_FORMAT = '%Y%m%d%H%M.%S';

// Python's _strptime patterns for the directives supported here.
const DIRECTIVES: Record<string, { re: string; key: 'Y' | 'y' | 'm' | 'd' | 'H' | 'M' | 'S' }> = {
  Y: { re: '(\\d\\d\\d\\d)', key: 'Y' },
  y: { re: '(\\d\\d)', key: 'y' },
  m: { re: '(1[0-2]|0[1-9]|[1-9])', key: 'm' },
  d: { re: '(3[01]|[12]\\d|0[1-9]|[1-9]| [1-9])', key: 'd' },
  H: { re: '(2[0-3]|[0-1]\\d|\\d)', key: 'H' },
  M: { re: '([0-5]\\d|\\d)', key: 'M' },
  S: { re: '(6[0-1]|[0-5]\\d|\\d)', key: 'S' },
};

/**
 * Reads a time argument: state touch defaults to `now`, the other states to `preserve` (Ansible's
 * keep_backward_compatibility_on_timestamps). A time string becomes 'YYYY-MM-DD HH:MM:SS' for the host's
 * `date -d`; a string the format does not match is Ansible's error.
 */
export function timeSpec(value: string | undefined, format: string | undefined, state: string): TimeSpec | { problem: string } {
  const v = value ?? (state === 'touch' ? 'now' : 'preserve');
  if (v === 'now') return { kind: 'now' };
  if (v === 'preserve') return { kind: 'preserve' };
  const fmt = format ?? DEFAULT_TIME_FORMAT;
  const keys: string[] = [];
  let re = '';
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i]!;
    if (c !== '%') {
      re += /\s/.test(c) ? '\\s+' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      continue;
    }
    const d = fmt[++i];
    if (d === '%') re += '%';
    else if (d !== undefined && DIRECTIVES[d]) {
      re += DIRECTIVES[d].re;
      keys.push(DIRECTIVES[d].key);
    } else
      return { problem: `Error while obtaining timestamp for time ${v} using format ${fmt}: the directive %${d ?? ''} is not supported` };
  }
  const m = new RegExp(`^${re}$`, 'i').exec(v);
  if (!m)
    return {
      problem: `Error while obtaining timestamp for time ${v} using format ${fmt}: time data '${v}' does not match format '${fmt}'`,
    };
  const f: Record<string, number> = { Y: 1900, m: 1, d: 1, H: 0, M: 0, S: 0 };
  keys.forEach((k, i) => {
    const n = Number(m[i + 1]!.trim());
    // Python: %y 69-99 is 19xx, 00-68 is 20xx.
    if (k === 'y') f.Y = n < 69 ? 2000 + n : 1900 + n;
    else f[k] = n;
  });
  const two = (n: number) => String(n).padStart(2, '0');
  return { kind: 'at', text: v, local: `${String(f.Y).padStart(4, '0')}-${two(f.m!)}-${two(f.d!)} ${two(f.H!)}:${two(f.M!)}:${two(f.S!)}` };
}
