// JSON Schemas for editors (yaml-language-server, VS Code's YAML extension): a playbook, a task file and a
// YAML inventory. Built from the schemas `engine validate` checks with (the play and task keywords of
// engine/playbook/schema.ts and every module's own argument schema), so completion, hover text and red
// squiggles say what validate says. Validate stays the judge: it also checks what a schema cannot
// (templates, variables, files, roles).
import { MODULE_PREFIXES } from '../moduleRegistry.ts';
import { blockKeywords, includeKeywords, playSchema, taskKeywords } from '../playbook/schema.ts';
import type { ModuleDefinition } from '../types.ts';
import { loosen, loosenProperties } from './loosen.ts';

type Schema = Record<string, unknown>;

/** Which file a schema describes. */
export type SchemaKind = 'playbook' | 'tasks' | 'inventory';

/** The schema kinds `engine schema` writes. */
export const SCHEMA_KINDS: readonly SchemaKind[] = ['playbook', 'tasks', 'inventory'];

const DRAFT = 'http://json-schema.org/draft-07/schema#';
const ROLE_KEYS = ['include_role', 'import_role'];
// The prefixes fleetplay takes on include_role/import_role and include_tasks/import_tasks.
const BUILTIN_PREFIXES = ['', 'ansible.builtin.', 'ansible.legacy.'];

/** The JSON Schema of `kind`, for the modules given. */
export function editorSchema(kind: SchemaKind, modules: readonly ModuleDefinition[]): Schema {
  if (kind === 'inventory') return inventorySchema();
  const definitions = taskDefinitions(modules);
  if (kind === 'tasks')
    return {
      $schema: DRAFT,
      title: 'fleetplay task file',
      description: 'A list of tasks (include_tasks, import_tasks, a role’s tasks/ or handlers/ file); an empty file is none.',
      type: ['array', 'null'],
      items: { $ref: '#/definitions/task' },
      definitions,
    };
  return {
    $schema: DRAFT,
    title: 'fleetplay playbook',
    description: 'A list of plays. Check one with `engine validate PLAYBOOK`.',
    type: 'array',
    items: { $ref: '#/definitions/play' },
    definitions: { ...definitions, play: play() },
  };
}

/** A play: the keywords `validate` knows, with task lists and roles. */
function play(): Schema {
  const properties: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(playSchema.properties)) properties[key] = keywordSchema(key, value);
  for (const list of ['pre_tasks', 'tasks', 'post_tasks', 'handlers'])
    properties[list] = { type: 'array', items: { $ref: '#/definitions/task' } };
  properties.roles = {
    type: 'array',
    description: 'roles to run before the tasks: a name, or a mapping with role: (or name:), vars, tags, when and role params',
    items: { anyOf: [{ type: 'string' }, { type: 'object', properties: { role: { type: 'string' }, name: { type: 'string' } } }] },
  };
  return { type: 'object', properties, required: ['hosts'], additionalProperties: false };
}

/**
 * The task definition: one mapping whose properties are every task, block and include keyword and every
 * key that names a module (each with the module's arguments), one of which it must have. Which keywords
 * a block or an include may not take, and two modules in one task, are left to validate.
 */
function taskDefinitions(modules: readonly ModuleDefinition[]): Schema {
  const definitions: Record<string, unknown> = {};
  // A plain task's keywords last: where an include's schema is narrower (its `args` takes only `apply`),
  // the task's wins, as one mapping describes them all.
  const properties: Record<string, unknown> = {
    ...keywordProperties(includeKeywords),
    ...blockProperties(),
    ...keywordProperties(taskKeywords),
    local_action: { type: ['string', 'object'], description: 'a module run on the controller' },
  };
  const actions = ['block', 'local_action', ...Object.keys(includeKeywords).filter((k) => /(include|import)_tasks$/.test(k))];
  for (const m of [...modules].sort((a, b) => a.name.localeCompare(b.name))) {
    const id = `module_${m.name}`;
    definitions[id] = moduleArgs(m);
    for (const key of keysOf(m)) {
      properties[key] = { $ref: `#/definitions/${id}` };
      actions.push(key);
    }
  }
  const roleArgs = roleTaskArgs();
  for (const key of ROLE_KEYS.flatMap((k) => BUILTIN_PREFIXES.map((p) => p + k))) {
    properties[key] = roleArgs;
    actions.push(key);
  }
  definitions.task = {
    type: 'object',
    properties,
    anyOf: actions.map((k) => ({ required: [k] })),
    additionalProperties: false,
  };
  return definitions;
}

/** Every key a task may name the module by: its names and aliases, bare and with the collection prefixes. */
function keysOf(m: ModuleDefinition): string[] {
  const names = [m.name, ...(m.aliases ?? [])];
  return names.flatMap((n) => ['', ...MODULE_PREFIXES].map((p) => p + n));
}

/** A module's arguments: its schema with aliases as properties, each value also as written in YAML. */
function moduleArgs(m: ModuleDefinition): Schema {
  const schema = m.schema as Schema;
  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  // A module without declared properties (set_fact) takes any key its schema's propertyNames allow.
  const args: Schema = {
    type: 'object',
    properties: loosenProperties(properties, true),
    additionalProperties: schema.additionalProperties ?? schema.properties === undefined,
    ...(schema.propertyNames ? { propertyNames: schema.propertyNames } : {}),
  };
  // Only a required argument with no alias can be required here: an alias may stand in for it.
  const plainRequired = required.filter((r) => !Array.isArray((properties[r] as Schema | undefined)?.aliases));
  if (plainRequired.length) args.required = plainRequired;
  const forms: Schema[] = [args, { type: 'string', description: 'key=value arguments, or the free form (command, shell)' }];
  if (!required.length) forms.push({ type: 'null' });
  return { description: `${m.name}: ${m.summary ?? ''} (runs on the ${m.runsOn}; engine doc ${m.name})`, anyOf: forms };
}

/** Keyword schemas as written in YAML (numbers as digits, booleans as yes/no, templates). */
function keywordProperties(keywords: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(keywords).map(([k, v]) => [k, keywordSchema(k, v)]));
}

function keywordSchema(key: string, value: unknown): unknown {
  // Task lists and the places validate checks in detail (roles, module_defaults) are described elsewhere.
  if (value && typeof value === 'object' && Object.keys(value).length === 0) return {};
  if (['name', 'become_user', 'delegate_to', 'register'].includes(key)) return value;
  return loosen(value);
}

function blockProperties(): Record<string, unknown> {
  const properties = keywordProperties(blockKeywords);
  for (const list of ['block', 'rescue', 'always']) properties[list] = { type: 'array', items: { $ref: '#/definitions/task' } };
  return properties;
}

/** include_role / import_role arguments: `name` and the *_from files. */
function roleTaskArgs(): Schema {
  return {
    anyOf: [
      {
        type: 'object',
        properties: {
          name: { type: 'string', description: 'the role' },
          tasks_from: { type: 'string' },
          vars_from: { type: 'string' },
          defaults_from: { type: 'string' },
          handlers_from: { type: 'string' },
          apply: { type: 'object', description: 'keywords for the role’s tasks (include_role)' },
          public: loosen({ type: 'boolean' }),
          allow_duplicates: loosen({ type: 'boolean' }),
          rolespec_validate: loosen({ type: 'boolean' }),
        },
        required: ['name'],
        additionalProperties: false,
      },
      { type: 'string', description: 'name=ROLE tasks_from=FILE …' },
    ],
  };
}

/** A YAML inventory as Ansible reads it: groups with hosts, vars and children, nested. */
function inventorySchema(): Schema {
  return {
    $schema: DRAFT,
    title: 'fleetplay inventory (YAML)',
    description: 'Groups (all, and any other) with hosts, vars and children. An INI inventory has no schema.',
    type: 'object',
    additionalProperties: { $ref: '#/definitions/group' },
    definitions: {
      group: {
        type: ['object', 'null'],
        properties: {
          hosts: {
            type: ['object', 'null'],
            description: 'host names (or ranges such as node[01:10]) and their variables',
            additionalProperties: { type: ['object', 'null'] },
          },
          vars: { type: ['object', 'null'], description: 'variables of every host of the group' },
          children: { type: ['object', 'null'], additionalProperties: { $ref: '#/definitions/group' } },
        },
        additionalProperties: false,
      },
    },
  };
}
