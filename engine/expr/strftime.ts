// Python's datetime.strftime for the directives Ansible's now(fmt=…) is used with, on a local or UTC Date.
import { problem } from './error.ts';

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Formats `date` as Python's strftime does (local time, or UTC when `utc`); an unknown directive is an error. */
export function strftime(date: Date, format: string, utc: boolean): string {
  const f = utc
    ? {
        y: date.getUTCFullYear(),
        mo: date.getUTCMonth(),
        d: date.getUTCDate(),
        h: date.getUTCHours(),
        mi: date.getUTCMinutes(),
        s: date.getUTCSeconds(),
        wd: date.getUTCDay(),
      }
    : {
        y: date.getFullYear(),
        mo: date.getMonth(),
        d: date.getDate(),
        h: date.getHours(),
        mi: date.getMinutes(),
        s: date.getSeconds(),
        wd: date.getDay(),
      };
  const offset = utc ? 0 : -date.getTimezoneOffset();
  const dayOfYear = Math.floor((Date.UTC(f.y, f.mo, f.d) - Date.UTC(f.y, 0, 1)) / 86_400_000) + 1;
  const directives: Record<string, () => string> = {
    Y: () => String(f.y),
    y: () => pad(f.y % 100),
    m: () => pad(f.mo + 1),
    d: () => pad(f.d),
    H: () => pad(f.h),
    I: () => pad(f.h % 12 || 12),
    p: () => (f.h < 12 ? 'AM' : 'PM'),
    M: () => pad(f.mi),
    S: () => pad(f.s),
    f: () => pad(date.getMilliseconds() * 1000, 6),
    s: () => String(Math.floor(date.getTime() / 1000)),
    j: () => pad(dayOfYear, 3),
    a: () => DAYS[f.wd]!.slice(0, 3),
    A: () => DAYS[f.wd]!,
    b: () => MONTHS[f.mo]!.slice(0, 3),
    B: () => MONTHS[f.mo]!,
    w: () => String(f.wd),
    z: () => `${offset < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offset) / 60))}${pad(Math.abs(offset) % 60)}`,
    Z: () => (utc ? 'UTC' : ''),
    '%': () => '%',
  };
  return format.replace(/%(.?)/g, (_, d: string) => {
    const directive = directives[d];
    return directive ? directive() : problem(`now(): unsupported strftime directive '%${d}'`);
  });
}

/** Python's str(datetime): `YYYY-MM-DD HH:MM:SS.ffffff`. */
export function pythonDateTime(date: Date, utc: boolean): string {
  return strftime(date, '%Y-%m-%d %H:%M:%S.%f', utc);
}
