// The keywords `environment`, `ignore_unreachable`, `become_method` and `remote_user` of plays, blocks, tasks, includes
// and role entries: checked at validate time (names of environment variables, the become method) and
// read into the scope the executor inherits (engine/executor/environment.ts renders `environment`).
import { isTemplated } from '../template/render.ts';
import type { EnvironmentSpec, Flag, KeywordText } from '../types.ts';
import { readFlag } from './flags.ts';
import type { YamlFile } from '../yaml/load.ts';
import type { Problems } from './problems.ts';

type Path = Array<string | number>;
type Raw = Record<string, unknown>;

/** JSON schemas of these keywords, spread into the play, task, block and include schemas. */
export const extraScopeSchema = {
  environment: {
    type: ['object', 'string', 'null'],
    description: 'a mapping of environment variable names to values, or a template that renders to one',
  },
  ignore_unreachable: { type: ['boolean', 'string'] },
  become_method: { type: 'string' },
  remote_user: { type: 'string', description: 'the user to log in as (an ansible_user variable of the host wins, as in Ansible)' },
};

/** A name a POSIX shell takes as a variable (what `export NAME=…` accepts). */
export const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** What parseScopeExtras reads. */
type ScopeExtras = { environment?: EnvironmentSpec; ignoreUnreachable?: Flag; becomeMethod?: 'sudo' | 'su'; remoteUser?: KeywordText };

/** The parsed keywords; problems (a bad variable name, an unsupported become method) are recorded with their place. */
export function parseScopeExtras(yaml: YamlFile, at: Path, raw: Raw, problems: Problems): ScopeExtras {
  const out: ScopeExtras = {};
  // remote_user may be a template: rendered per host when the task runs (engine/executor/remoteUser.ts).
  if (typeof raw.remote_user === 'string' && raw.remote_user !== '')
    out.remoteUser = { value: raw.remote_user, location: yaml.locate([...at, 'remote_user']) };
  const ignoreUnreachable = readFlag(yaml, at, raw, 'ignore_unreachable');
  if (ignoreUnreachable !== undefined) out.ignoreUnreachable = ignoreUnreachable;
  if (checkBecomeMethod(yaml, [...at, 'become_method'], raw.become_method, problems)) out.becomeMethod = raw.become_method as 'sudo' | 'su';
  const env = raw.environment;
  if (env === undefined || env === null) return out;
  if (typeof env === 'string') {
    if (!isTemplated(env)) {
      problems.add(
        yaml,
        [...at, 'environment'],
        `'environment' must be a mapping of variable names to values (or a template that renders to one), got the string '${env}'`,
      );
      return out;
    }
  } else if (typeof env === 'object' && !Array.isArray(env)) {
    for (const name of Object.keys(env)) {
      if (!SHELL_NAME.test(name))
        problems.add(
          yaml,
          [...at, 'environment', name],
          `'${name}' is not an environment variable name a shell accepts (letters, digits and _, not starting with a digit)`,
          'key',
        );
    }
  } else {
    return out; // the schema reports the wrong type
  }
  out.environment = { value: env, location: yaml.locate([...at, 'environment']) };
  return out;
}

/**
 * become_method: sudo (the default), or su. su runs the command through `su USER -c`; it reads a password
 * only from a terminal, which fleetplay's connections do not open, so su works where it asks none (a root
 * login), and a become password with su is refused when the task runs (engine/connection/become.ts).
 * True when `v` names a method fleetplay has.
 */
function checkBecomeMethod(yaml: YamlFile, at: Path, v: unknown, problems: Problems): boolean {
  if (v === 'sudo' || v === 'su') return true;
  if (typeof v === 'string') {
    if (isTemplated(v)) {
      problems.add(
        yaml,
        at,
        'become_method cannot be a template in fleetplay; write sudo or su, or set the variable ansible_become_method',
      );
      return false;
    }
    problems.add(yaml, at, `become_method '${v}' is not supported by fleetplay (supported: sudo, su)`);
  }
  return false;
}
