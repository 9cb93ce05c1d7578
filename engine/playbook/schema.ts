// JSON Schemas (ajv) for the structure of plays and the keywords of tasks.

const condition = {
  anyOf: [{ type: 'string' }, { type: 'boolean' }, { type: 'number' }, { type: 'array', items: { type: ['string', 'boolean', 'number'] } }],
};
const stringList = { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] };
const taskList = { type: 'array', items: { type: 'object' } };
const varsMap = { type: 'object' };

/** Keywords valid on every task-like entry (task, block, include). */
const scopeKeywords = {
  name: { type: 'string' },
  when: condition,
  tags: stringList,
  become: { type: 'boolean' },
  become_user: { type: 'string' },
  vars: varsMap,
  check_mode: { type: 'boolean' },
  no_log: { type: 'boolean' },
  ignore_errors: { type: 'boolean' },
};

/** Keywords of a plain task (the one remaining key names the module). */
export const taskKeywords: Record<string, unknown> = {
  ...scopeKeywords,
  args: { type: 'object' },
  loop: {},
  with_items: {},
  with_list: {},
  loop_control: {
    type: 'object',
    properties: { loop_var: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }, index_var: { type: 'string' }, label: { type: 'string' } },
    additionalProperties: false,
  },
  register: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
  notify: stringList,
  listen: stringList,
  changed_when: condition,
  failed_when: condition,
  throttle: { type: 'integer', minimum: 1 },
  run_once: { type: 'boolean' },
  until: condition,
  retries: { type: 'integer', minimum: 0 },
  delay: { type: 'number', minimum: 0 },
  timeout: { type: 'integer', minimum: 1 },
};

/** Keywords of a block entry. */
export const blockKeywords: Record<string, unknown> = {
  ...scopeKeywords,
  block: taskList,
  rescue: taskList,
  always: taskList,
};

/** Keywords of an include_tasks / import_tasks entry. */
export const includeKeywords: Record<string, unknown> = {
  ...scopeKeywords,
  include_tasks: { anyOf: [{ type: 'string' }, { type: 'object', properties: { file: { type: 'string' } }, required: ['file'], additionalProperties: false }] },
  import_tasks: { type: 'string' },
  'ansible.builtin.include_tasks': { anyOf: [{ type: 'string' }, { type: 'object' }] },
  'ansible.builtin.import_tasks': { type: 'string' },
  loop: {},
  with_items: {},
  loop_control: taskKeywords.loop_control,
};

/** Schema of one play. */
export const playSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    hosts: { anyOf: [{ type: 'string', minLength: 1 }, { type: 'array', items: { type: 'string' }, minItems: 1 }] },
    vars: varsMap,
    vars_files: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
    become: { type: 'boolean' },
    become_user: { type: 'string' },
    gather_facts: { type: 'boolean' },
    tags: stringList,
    serial: {
      anyOf: [
        { type: 'integer', minimum: 1 },
        { type: 'string', pattern: '^(\\d+%?|.*\\{\\{.*)$' },
        { type: 'array', minItems: 1, items: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'string', pattern: '^\\d+%?$' }] } },
      ],
    },
    max_fail_percentage: { type: 'number', minimum: 0, maximum: 100 },
    any_errors_fatal: { type: 'boolean' },
    pre_tasks: taskList,
    tasks: taskList,
    post_tasks: taskList,
    handlers: taskList,
  },
  required: ['hosts'],
  additionalProperties: false,
} as const;

/** Schema of a whole playbook file: a list of plays. */
export const playbookSchema = { type: 'array', minItems: 1, items: { type: 'object' } } as const;
