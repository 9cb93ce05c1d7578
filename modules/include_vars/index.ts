// include_vars: loads variables from a YAML/JSON file or a directory of them on the controller, found
// as Ansible finds it (the role's vars/, the task file's vars/, the playbook's vars/, then as given).
// The engine keeps them at Ansible's include_vars level: above task vars, below set_fact and register
// (engine/executor/includedVars.ts).
import type { FromSchema } from 'json-schema-to-ts';
import { defineModule, local, type ModuleView } from '../../engine/module.ts';
import type { Vars } from '../../engine/types.ts';
import { loadVarsDir, loadVarsFile, type Loaded } from './load.ts';

const includeVarsSchema = {
  type: 'object',
  properties: {
    file: { type: 'string', minLength: 1 },
    dir: { type: 'string', minLength: 1 },
    name: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
    depth: { type: 'integer', minimum: 0 },
    files_matching: { type: 'string' },
    ignore_files: { type: 'array', items: { type: 'string' } },
    extensions: { type: 'array', items: { type: 'string' } },
    ignore_unknown_extensions: { type: 'boolean' },
  },
  // Ansible: file and dir are mutually exclusive, and one of them is needed.
  oneOf: [{ required: ['file'] }, { required: ['dir'] }],
  additionalProperties: false,
} as const;

type IncludeVarsArgs = FromSchema<typeof includeVarsSchema>;

/** The options that may stand beside a free-form file name (`include_vars: x.yml name=y`). */
export const INCLUDE_VARS_OPTIONS = Object.keys(includeVarsSchema.properties);

const DEFAULT_EXTENSIONS = ['yaml', 'yml', 'json'];

/** include_vars: loads variables from a file or a directory (controller-side; reads nothing from the host). */
export const includeVarsModule = defineModule<IncludeVarsArgs, Loaded, never>({
  name: 'include_vars',
  summary: 'Load variables from a YAML/JSON file or directory on the controller.',
  runsOn: 'controller',
  schema: includeVarsSchema,
  freeFormKey: 'file',
  freeFormOptions: INCLUDE_VARS_OPTIONS,
  *probe(args, view) {
    return yield* local('include_vars', async () => load(args, view));
  },
  decide(args, loaded) {
    if (loaded.kind === 'failed') return { kind: 'failed', msg: loaded.msg };
    const vars: Vars = args.name === undefined ? loaded.vars : { [args.name]: loaded.vars };
    const names = Object.keys(vars);
    return {
      kind: 'ok',
      msg: `loaded ${names.length === 0 ? 'no variables' : names.join(', ')} from ${loaded.files.length} file${loaded.files.length === 1 ? '' : 's'}`,
      data: { ansible_facts: vars, ansible_included_var_files: loaded.files },
    };
  },
});

function load(args: IncludeVarsArgs, view: ModuleView): Loaded {
  const extensions = args.extensions ?? DEFAULT_EXTENSIONS;
  let found: string;
  try {
    found = view.resolveLocalPath((args.file ?? args.dir) as string, 'vars');
  } catch (err) {
    return { kind: 'failed', msg: (err as Error).message };
  }
  if (args.file !== undefined) return loadVarsFile(found, extensions);
  return loadVarsDir(found, {
    depth: args.depth ?? 0,
    ...(args.files_matching !== undefined ? { filesMatching: args.files_matching } : {}),
    ignoreFiles: args.ignore_files ?? [],
    extensions,
    ignoreUnknownExtensions: args.ignore_unknown_extensions ?? false,
  });
}
