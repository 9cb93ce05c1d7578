// JSON Schemas (ajv) for the structure of plays and the keywords of tasks. A `description` beside a
// type is what messages say is expected ("keyword 'loop' must be a list, …, got the number 42").
import { WITH_LOOKUP_KEYWORDS } from '../lookups/loop.ts';
import { extraScopeSchema } from './scopeExtras.ts';

const identifier = {
  type: 'string',
  pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
  description: 'a variable name (letters, digits and _, not starting with a digit)',
};
const condition = {
  anyOf: [{ type: 'string' }, { type: 'boolean' }, { type: 'number' }, { type: 'array', items: { type: ['string', 'boolean', 'number'] } }],
  description: 'a condition (an expression, true or false, or a list of them)',
};
const stringList = { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] };
// Ansible takes numbers as tags (`tags: [1, 2]`), and a string is split at commas (see keywords.ts).
const tagList = {
  anyOf: [{ type: 'string' }, { type: 'array', items: { type: ['string', 'integer'] } }],
  description: 'a tag, tags separated by commas, or a list of tags',
};
// Entries of a task list are checked one by one by parseTaskList, which names the item ("task 2 of tasks").
const taskList = {};
const varsMap = { type: 'object', description: 'a mapping of variable names to values' };
const loopItems = { type: 'array', description: 'a list, or a template that renders to one ("{{ packages }}")' };
// with_items: a scalar is one item, as in Ansible (keywords.ts wraps it); a mapping is refused.
const withItems = { type: 'array', description: 'a list (a mapping would loop over its keys)' };
const loopControl = {
  type: 'object',
  properties: {
    loop_var: identifier,
    index_var: identifier,
    label: { type: ['string', 'number'] },
    pause: { anyOf: [{ type: 'number', minimum: 0 }, { type: 'string' }], description: 'seconds between items' },
    extended: { type: 'boolean' },
    extended_allitems: { type: 'boolean' },
  },
  additionalProperties: false,
  description: 'a mapping (loop_var, index_var, label, pause, extended, extended_allitems)',
};
// with_<lookup>: the terms of the lookup (a list, a mapping for with_dict, a string for with_sequence, a template).
const withLookup = {
  type: ['array', 'object', 'string', 'number'],
  description: 'the terms of the lookup (a list, a mapping or a string)',
};
const withLookups = Object.fromEntries(WITH_LOOKUP_KEYWORDS.map((k) => [k, withLookup]));

// A boolean keyword: true/false, or a template rendered per host (engine/playbook/flags.ts); keywords.ts
// refuses a string that is neither a boolean word nor a template.
const flag = { type: ['boolean', 'string'], description: 'true or false, or a template' };

/** Keywords valid on every task-like entry (task, block, include). */
const scopeKeywords = {
  // `name:` with nothing after it is a task without a name, as in Ansible.
  name: { type: ['string', 'null'] },
  when: condition,
  tags: tagList,
  become: flag,
  become_user: { type: 'string' },
  vars: varsMap,
  check_mode: flag,
  no_log: flag,
  ignore_errors: flag,
  ...extraScopeSchema,
  // Checked in detail by engine/playbook/moduleDefaults.ts.
  module_defaults: {},
  collections: {},
};

/** Keywords of a plain task (the one remaining key names the module). */
export const taskKeywords: Record<string, unknown> = {
  ...scopeKeywords,
  delegate_to: { type: 'string', minLength: 1, description: 'a host name (or a template)' },
  delegate_facts: { type: 'boolean' },
  connection: { enum: ['local', 'ssh', 'smart'], description: "'local', 'ssh' or 'smart'" },
  args: { type: 'object', description: 'a mapping of module arguments' },
  // Whether Ansible prints this task's diff. Accepted and not acted on: fleetplay's output follows --diff
  // (results carry their diff either way). ansible-core's lineinfile target sets it on many tasks.
  diff: flag,
  loop: loopItems,
  with_items: withItems,
  with_list: withItems,
  ...withLookups,
  loop_control: loopControl,
  register: identifier,
  notify: stringList,
  listen: stringList,
  changed_when: condition,
  failed_when: condition,
  throttle: { type: 'integer', minimum: 1 },
  run_once: { type: 'boolean' },
  // A failure of this task stops every host of the play, as the play keyword does.
  any_errors_fatal: { type: 'boolean' },
  until: condition,
  retries: { type: 'integer', minimum: 0 },
  delay: { type: 'number', minimum: 0 },
  timeout: { type: 'integer', minimum: 1 },
};

/** Keywords of a block entry. */
export const blockKeywords: Record<string, unknown> = {
  ...scopeKeywords,
  // Inherited by the block's tasks (executor/delegate.ts).
  delegate_to: { type: 'string', minLength: 1, description: 'a host name (or a template)' },
  delegate_facts: { type: 'boolean' },
  notify: stringList,
  // Given to each task of the block (and its nested blocks) that sets none itself, as Ansible inherits them.
  run_once: { type: 'boolean' },
  any_errors_fatal: { type: 'boolean' },
  block: taskList,
  rescue: taskList,
  always: taskList,
};

const applyMap = { type: 'object', description: 'a mapping of task keywords (tags, when, become, …) the included tasks get' };

/** Keywords of an include_tasks / import_tasks entry. */
export const includeKeywords: Record<string, unknown> = {
  ...scopeKeywords,
  // The include's own result: the file it included, or why it failed or was skipped.
  register: { type: 'string' },
  // `args: { apply: … }` beside the free form.
  args: { type: 'object', properties: { apply: applyMap }, additionalProperties: false },
  include_tasks: {
    anyOf: [
      { type: 'string' },
      { type: 'object', properties: { file: { type: 'string' }, apply: applyMap }, required: ['file'], additionalProperties: false },
    ],
  },
  // `file:` for import_tasks too (Ansible 2.7 and later).
  import_tasks: {
    anyOf: [
      { type: 'string' },
      { type: 'object', properties: { file: { type: 'string' } }, required: ['file'], additionalProperties: false },
    ],
  },
  'ansible.builtin.include_tasks': {
    anyOf: [
      { type: 'string' },
      { type: 'object', properties: { file: { type: 'string' }, apply: applyMap }, required: ['file'], additionalProperties: false },
    ],
  },
  'ansible.builtin.import_tasks': {
    anyOf: [
      { type: 'string' },
      { type: 'object', properties: { file: { type: 'string' } }, required: ['file'], additionalProperties: false },
    ],
  },
  loop: loopItems,
  with_items: withItems,
  with_list: withItems,
  ...withLookups,
  loop_control: loopControl,
  // include_tasks / include_role: included for the first host only (import_tasks hands it to its tasks).
  run_once: { type: 'boolean' },
  // Meaningful in handlers: an included file notified by a topic (Ansible allows it there).
  listen: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
};

/**
 * Keywords of an import_tasks entry: an include's, plus the task keywords Ansible hands down to every imported
 * task (run_once, delegate_to, delegate_facts), as a static import applies its keywords to what it imports.
 */
export const importKeywords: Record<string, unknown> = {
  ...includeKeywords,
  run_once: { type: 'boolean' },
  delegate_to: { type: 'string', minLength: 1, description: 'a host name (or a template)' },
  delegate_facts: { type: 'boolean' },
};

/** Schema of one play. */
export const playSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    hosts: {
      anyOf: [
        { type: 'string', minLength: 1 },
        { type: 'array', items: { type: 'string' }, minItems: 1 },
      ],
    },
    vars: varsMap,
    vars_files: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
    become: flag,
    become_user: { type: 'string' },
    ...extraScopeSchema,
    connection: { enum: ['local', 'ssh', 'smart'], description: "'local', 'ssh' or 'smart'" },
    gather_facts: { type: 'boolean' },
    gather_subset: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
    gather_timeout: { type: 'integer', minimum: 1 },
    tags: tagList,
    // Only linear is run; a template is rendered when the play starts (engine/executor/runPlay.ts).
    strategy: { type: 'string' },
    serial: {
      anyOf: [
        { type: 'integer', minimum: 1 },
        { type: 'string', pattern: '^(\\d+%?|.*\\{\\{.*)$', description: 'a count, a percentage ("30%") or a template' },
        {
          type: 'array',
          minItems: 1,
          items: {
            anyOf: [
              { type: 'integer', minimum: 1 },
              { type: 'string', pattern: '^\\d+%?$', description: 'a count or a percentage ("30%")' },
            ],
          },
        },
      ],
    },
    max_fail_percentage: { type: 'number', minimum: 0, maximum: 100 },
    any_errors_fatal: { type: 'boolean' },
    force_handlers: { type: 'boolean' },
    // Checked in detail by engine/playbook/moduleDefaults.ts.
    module_defaults: {},
    collections: {},
    pre_tasks: taskList,
    // Checked entry by entry by engine/playbook/roles.ts.
    roles: {},
    tasks: taskList,
    post_tasks: taskList,
    handlers: taskList,
  },
  required: ['hosts'],
  additionalProperties: false,
} as const;
