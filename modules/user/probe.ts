// What the user module reads: one read-only command (every group and user, login.defs, useradd's defaults,
// which of the user's home directories exist, and, when asked, the state of its password), read through
// check mode's prediction. The password hash itself never leaves the host: only its sha256 and whether
// it is locked.
import { FleetError } from '../../engine/errors.ts';
import { read, type ModuleView, type Probe } from '../../engine/module.ts';
import { shellQuote } from '../../engine/quote.ts';
import { requireAccountName } from '../lib/argumentRules.ts';
import {
  accountsRead,
  accountsReadProblem,
  type PasswordState,
  parseAccounts,
  predictAccounts,
  predictedPassword,
} from '../group/accounts.ts';
import type { UserArgs } from './schema.ts';
import type { LoginDefs, UseraddDefaults, UserFacts, UserRequest } from './types.ts';

/** The arguments with Ansible's defaults; refuses group names and passwords that cannot be passed safely. */
export function userRequest(args: UserArgs): UserRequest {
  requireAccountName('name', args.name);
  if (args.group !== undefined) requireAccountName('group', args.group);
  const groups =
    args.groups === undefined
      ? undefined
      : (Array.isArray(args.groups) ? args.groups.join(',') : args.groups)
          .split(',')
          .map((g) => g.trim())
          .filter((g) => g !== '');
  for (const g of groups ?? []) requireAccountName('groups', g);
  // chpasswd reads `name:hash` lines: a ':' or a newline in the hash would be read as more of them.
  if (args.password !== undefined && /[:\n\r\0]/.test(args.password))
    throw new FleetError(
      'arguments',
      "argument 'password' contains ':' or a line break, which no password hash has; it is refused (its value is not shown)",
    );
  return {
    name: args.name,
    state: args.state ?? 'present',
    ...(args.uid !== undefined ? { uid: args.uid } : {}),
    nonUnique: args.non_unique === true,
    ...(args.group !== undefined ? { group: args.group } : {}),
    ...(groups !== undefined ? { groups: [...new Set(groups)] } : {}),
    append: args.append === true,
    ...(args.shell !== undefined ? { shell: args.shell } : {}),
    ...(args.home !== undefined ? { home: args.home } : {}),
    createHome: args.create_home !== false,
    moveHome: args.move_home === true,
    system: args.system === true,
    ...(args.comment !== undefined ? { comment: args.comment } : {}),
    ...(args.password !== undefined ? { password: args.password } : {}),
    updatePassword: args.update_password ?? 'always',
    ...(args.password_lock !== undefined ? { passwordLock: args.password_lock } : {}),
    remove: args.remove === true,
    force: args.force === true,
  };
}

const DEFS = ['USERGROUPS_ENAB', 'HOME_MODE', 'UMASK', 'GID_MIN', 'GID_MAX', 'SYS_GID_MIN', 'SYS_GID_MAX'];

/** The read: the database, the settings, which homes exist, and (withPassword) the password's state. */
export function userProbeCommand(name: string, home: string | undefined, withPassword: boolean, groups: readonly string[] = []): string {
  const lines = [
    `n=${shellQuote(name)}`,
    accountsRead(groups, [name]),
    'echo @@defs',
    `grep -E '^[[:space:]]*(${DEFS.join('|')})[[:space:]]' /etc/login.defs 2>/dev/null`,
    'echo @@useradd',
    'd=$(useradd -D 2>/dev/null); printf \'%s\\n\' "$d"',
    'echo @@exists',
    "b=$(printf '%s\\n' \"$d\" | sed -n 's/^HOME=//p')",
    `for p in "$(getent passwd -- "$n" | cut -d: -f6)" ${home !== undefined ? shellQuote(home) : "''"} "\${b:-/home}/$n"; do if [ -n "$p" ] && [ -e "$p" ]; then printf '%s\\n' "$p"; fi; done`,
  ];
  if (withPassword)
    lines.push(
      'echo @@shadow',
      's=$(getent shadow -- "$n" | cut -d: -f2)',
      "case $s in '!'*) echo locked;; esac",
      "while case $s in '!'*) true;; *) false;; esac; do s=${s#!}; done",
      "printf '%s' \"$s\" | sha256sum | cut -d' ' -f1",
    );
  lines.push('true');
  return lines.join('\n');
}

/** The sections of the read's output. */
function sections(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  const parts = stdout.split(/^@@(defs|useradd|exists|shadow)$/m);
  out.accounts = parts[0] ?? '';
  for (let i = 1; i + 1 < parts.length; i += 2) out[parts[i] as string] = parts[i + 1] ?? '';
  return out;
}

/** login.defs' settings, with shadow's defaults for those it does not set. */
export function parseLoginDefs(text: string): LoginDefs {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*(\w+)\s+(\S+)/.exec(line);
    if (m && !values.has(m[1] as string)) values.set(m[1] as string, m[2] as string);
  }
  const num = (key: string, fallback: number, radix = 10): number => {
    const v = values.get(key);
    const n = v === undefined ? Number.NaN : Number.parseInt(v, radix);
    return Number.isNaN(n) ? fallback : n;
  };
  const umask = num('UMASK', 0o22, 8);
  const mode = num('HOME_MODE', 0o777 & ~umask, 8);
  const gidMin = num('GID_MIN', 1000);
  return {
    userGroups: values.get('USERGROUPS_ENAB')?.toLowerCase() === 'yes',
    homeMode: mode.toString(8).padStart(4, '0'),
    gidMin,
    gidMax: num('GID_MAX', 60000),
    sysGidMin: num('SYS_GID_MIN', 101),
    sysGidMax: num('SYS_GID_MAX', gidMin - 1),
  };
}

/** `useradd -D`'s GROUP, HOME and SHELL, with shadow's defaults. */
export function parseUseraddDefaults(text: string): UseraddDefaults {
  const value = (key: string): string | undefined => new RegExp(`^${key}=(.*)$`, 'm').exec(text)?.[1];
  const group = Number(value('GROUP'));
  return {
    group: Number.isInteger(group) && (value('GROUP') ?? '') !== '' ? group : 100,
    home: value('HOME') || '/home',
    shell: value('SHELL') ?? '/bin/sh',
  };
}

function parseShadow(text: string): PasswordState {
  const lines = text.split('\n').filter((l) => l !== '');
  return { locked: lines.includes('locked'), sha256: lines.at(-1) ?? '' };
}

/** The probe: arguments judged first, then one read (check mode: one more for a home only a prediction names). */
export function* probeUser(args: UserArgs, view: ModuleView): Probe<UserFacts> {
  const req = userRequest(args);
  const withPassword = req.state === 'present' && (req.password !== undefined || req.passwordLock !== undefined);
  const named = [req.name, ...(req.group !== undefined ? [req.group] : []), ...(req.groups ?? [])];
  const r = yield* read({ command: userProbeCommand(req.name, req.home, withPassword, [...new Set(named)]) });
  const problem = accountsReadProblem(r);
  if (problem) return { kind: 'unreadable', msg: problem };
  const s = sections(r.stdout);
  const host = parseAccounts(s.accounts ?? '');
  const defs = parseLoginDefs(s.defs ?? '');
  const defaults = parseUseraddDefaults(s.useradd ?? '');
  const found = new Set((s.exists ?? '').split('\n').filter((l) => l !== ''));
  const tested = [host.users.get(req.name)?.home, req.home, `${defaults.home}/${req.name}`].filter((p): p is string => !!p);
  const exists: Record<string, boolean> = {};
  for (const p of tested) exists[p] = found.has(p);
  const hostPassword = withPassword ? parseShadow(s.shadow ?? '') : undefined;
  if (!view.check) return { kind: 'db', db: host, defs, defaults, exists, ...(hostPassword ? { password: hostPassword } : {}) };
  // Check mode: what earlier tasks would have left wins over what the unchanged host says.
  const db = predictAccounts(host, view.predicted);
  const home = db.users.get(req.name)?.home;
  if (home !== undefined && !(home in exists) && view.predicted.file(home) === undefined) {
    const more = yield* read({ command: `if [ -e ${shellQuote(home)} ]; then echo yes; fi` });
    exists[home] = more.stdout.trim() === 'yes';
  }
  for (const p of Object.keys(exists)) {
    const predicted = view.predicted.file(p);
    if (predicted) exists[p] = predicted.type !== 'absent';
  }
  const password = withPassword ? (predictedPassword(view.predicted, req.name) ?? hostPassword) : undefined;
  const opaque = view.predicted.opaqueTask();
  return { kind: 'db', db, defs, defaults, exists, ...(password ? { password } : {}), ...(opaque ? { opaque } : {}) };
}
