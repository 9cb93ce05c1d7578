// OpenSSH host-name globs (`*` any run of characters, `?` one character), matched without backtracking.

/**
 * Whether `name` matches `glob`, case-insensitively as OpenSSH does. The classic two-pointer greedy
 * walk: on a mismatch it only moves the last `*` one character further, so the time is at worst
 * O(glob × name) whatever the input (a RegExp built from `*****` backtracks exponentially).
 */
export function globMatches(glob: string, name: string): boolean {
  const p = glob.toLowerCase();
  const s = name.toLowerCase();
  let pi = 0;
  let si = 0;
  // The position just after the last `*` seen, and where in `name` that star's match currently ends.
  let afterStar = -1;
  let starEnd = 0;
  while (si < s.length) {
    const c = p[pi];
    if (c === '*') {
      afterStar = ++pi;
      starEnd = si;
    } else if (c !== undefined && (c === '?' || c === s[si])) {
      pi++;
      si++;
    } else if (afterStar >= 0) {
      // Let the last star swallow one more character and retry the rest of the glob from there.
      pi = afterStar;
      si = ++starEnd;
    } else {
      return false;
    }
  }
  while (p[pi] === '*') pi++;
  return pi === p.length;
}
