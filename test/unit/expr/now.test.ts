// Ansible's now(utc=False, fmt=None) global and the `successful` alias of the succeeded test, as
// ansible-core's own integration targets use them (loops: now(fmt='%s.%f'); replace: `is successful`).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { strftime } from '../../../engine/expr/strftime.ts';
import { ev, failure } from './support.ts';

afterEach(() => vi.useRealTimers());

describe('now()', () => {
  it('formats the controller time with strftime, in UTC when asked', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date(Date.UTC(2024, 1, 29, 13, 4, 5, 678)));
    expect(ev("now(utc=true, fmt='%Y-%m-%d %H:%M:%S.%f %j %a %b %%')")).toBe('2024-02-29 13:04:05.678000 060 Thu Feb %');
    expect(ev("now(true, '%s')")).toBe('1709211845');
    expect(ev("now(fmt='%s.%f') | float")).toBeCloseTo(1709211845.678, 3);
    expect(ev('now(utc=true)')).toBe('2024-02-29 13:04:05.678000');
  });

  it('refuses unknown arguments and directives', () => {
    expect(failure(() => ev("now(zone='x')")).message).toContain("has no argument 'zone'");
    expect(failure(() => ev("now(fmt='%Q')")).message).toContain("unsupported strftime directive '%Q'");
    expect(failure(() => ev("now(utc='yes')")).message).toContain('utc must be a boolean');
  });

  it('12-hour clock and the local offset', () => {
    const d = new Date(Date.UTC(2024, 0, 1, 0, 30));
    expect(strftime(d, '%I %p %Z %z', true)).toBe('12 AM UTC +0000');
  });
});

describe('successful', () => {
  it("is the succeeded test under Ansible's third name", () => {
    expect(ev('r is successful', { r: { failed: false } })).toBe(true);
    expect(ev('r is successful', { r: { failed: true } })).toBe(false);
  });
});
