// The start, end and delta of a command's result, as Ansible's command module writes them (Python's
// str() of a datetime and of a timedelta).

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `2017-09-29 22:03:48.083128`: local time, microseconds (a Date has milliseconds). */
function stamp(d: Date): string {
  const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  return `${date} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds() * 1000, 6)}`;
}

/** `0:00:00.001529`, Python's timedelta for a run shorter than a day. */
function delta(ms: number): string {
  const s = Math.floor(ms / 1000);
  const frac = ms % 1000 ? `.${pad((ms % 1000) * 1000, 6)}` : '';
  return `${Math.floor(s / 3600)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}${frac}`;
}

/** The result fields start, end and delta (and delta_ms, fleetplay's number). */
export function pythonTimes(started: Date, ended: Date): { start: string; end: string; delta: string; delta_ms: number } {
  const ms = Math.max(0, ended.getTime() - started.getTime());
  return { start: stamp(started), end: stamp(ended), delta: delta(ms), delta_ms: ms };
}
