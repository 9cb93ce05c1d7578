// The keywords `environment`, `ignore_unreachable` and `become_method` of plays, blocks, tasks, includes
// and role entries: checked at validate time (names of environment variables, the become method) and
// read into the scope the executor inherits (engine/executor/environment.ts renders `environment`).
import { isTemplated } from '../template/render.ts';
import type { EnvironmentSpec, Flag } from '../types.ts';
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
};

/** A name a POSIX shell takes as a variable (what `export NAME=…` accepts). */
export const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The parsed keywords; problems (a bad variable name, an unsupported become method) are recorded with their place. */
export function parseScopeExtras(
  yaml: YamlFile,
  at: Path,
  raw: Raw,
  problems: Problems,
): { environment?: EnvironmentSpec; ignoreUnreachable?: Flag } {
  const out: { environment?: EnvironmentSpec; ignoreUnreachable?: Flag } = {};
  const ignoreUnreachable = readFlag(yaml, at, raw, 'ignore_unreachable');
  if (ignoreUnreachable !== undefined) out.ignoreUnreachable = ignoreUnreachable;
  checkBecomeMethod(yaml, [...at, 'become_method'], raw.become_method, problems);
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
 * become_method: sudo is what fleetplay's connections do. su is refused: it reads the password from a
 * terminal only, and fleetplay's connections allocate none, so the password could not be fed safely the
 * way the sudo path does (a prompt marker and stdin, engine/connection/sudoDialog.ts).
 */
function checkBecomeMethod(yaml: YamlFile, at: Path, v: unknown, problems: Problems): void {
  if (v === undefined || v === 'sudo') return;
  if (v === 'su') {
    problems.add(
      yaml,
      at,
      "become_method 'su' is not supported by fleetplay: su reads the password only from a terminal, and fleetplay's connections open none; use become_method: sudo",
    );
  } else if (typeof v === 'string') {
    problems.add(yaml, at, `become_method '${v}' is not supported by fleetplay (supported: sudo)`);
  }
}
