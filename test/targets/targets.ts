// Which of ansible-core's integration targets (test/fixtures/ansible-targets) the runner runs, and how:
// role targets as ansible-test runs them (a play `hosts: testhost`, facts gathered, `output_dir`, the role),
// script targets (runme.sh) through the ansible-playbook lines of their runme.sh that only need an exit code.

/** The inventory an invocation uses. */
export type InventoryKind =
  /** ansible-test's `../../inventory`: `testhost` is the lab node. */
  | 'ansible-test'
  /** The target's own inventory file (its hosts use `ansible_connection=local`, as in ansible-test). */
  | { file: string }
  /** `-i 'h1,h2'` or no `-i` (implicit localhost): these hosts on the controller. */
  | { local: string[] };

/** One `ansible-playbook` line of a runme.sh. */
export interface Invocation {
  playbook: string;
  inventory: InventoryKind;
  /** Extra command-line arguments (`--tags`, `-e`). */
  args?: string[];
  env?: Record<string, string>;
  /** The exit code runme.sh expects (default 0). */
  expectCode?: number;
}

/** A target and how it is run. */
export interface TargetSpec {
  name: string;
  /** `role`: run as ansible-test runs a role target; `script`: the invocations below. */
  kind: 'role' | 'script';
  invocations?: Invocation[];
  /** Why the target is not run at all. */
  skip?: string;
}

const AT: InventoryKind = 'ansible-test';
const LOCALHOST: InventoryKind = { local: ['localhost'] };
const HANDLERS: InventoryKind = { file: 'inventory.handlers' };
const INCLUDES: InventoryKind = { file: 'inventory' };
const ROLES = { ANSIBLE_ROLES_PATH: './roles' };

/** The targets of the modules and keywords fleetplay has. */
export const TARGETS: TargetSpec[] = [
  { name: 'lineinfile', kind: 'role' },
  { name: 'replace', kind: 'role' },
  { name: 'stat', kind: 'role' },
  { name: 'file', kind: 'role' },
  { name: 'copy', kind: 'role' },
  {
    name: 'template',
    kind: 'script',
    invocations: [
      { playbook: 'template.yml', inventory: AT, env: { ANSIBLE_ROLES_PATH: '..' } },
      { playbook: 'corner_cases.yml', inventory: LOCALHOST },
      { playbook: 'unused_vars_include.yml', inventory: LOCALHOST },
      { playbook: '72615.yml', inventory: LOCALHOST },
      { playbook: '6653.yml', inventory: LOCALHOST },
      { playbook: '72262.yml', inventory: LOCALHOST },
      { playbook: 'template_overrides.yml', inventory: LOCALHOST },
      { playbook: 'lazy_eval.yml', inventory: AT },
    ],
  },
  { name: 'command_shell', kind: 'role' },
  {
    name: 'get_url',
    kind: 'role',
    skip: "needs ansible-test's httptester (ansible.http.tests, sni.ansible.http.tests, TLS certificates and Kerberos), which the lab does not serve",
  },
  { name: 'unarchive', kind: 'script', invocations: [{ playbook: 'runme.yml', inventory: AT }] },
  { name: 'apt', kind: 'role' },
  { name: 'apt_key', kind: 'role' },
  { name: 'deb822_repository', kind: 'role' },
  { name: 'systemd', kind: 'role' },
  { name: 'service', kind: 'role' },
  { name: 'loops', kind: 'role' },
  {
    name: 'assert',
    kind: 'script',
    invocations: [
      { playbook: 'quiet.yml', inventory: LOCALHOST },
      { playbook: 'nested_tmpl.yml', inventory: LOCALHOST },
    ],
  },
  {
    name: 'set_fact',
    kind: 'script',
    invocations: [
      { playbook: 'incremental.yml', inventory: INCLUDES },
      { playbook: 'set_fact_no_cache.yml', inventory: INCLUDES },
      { playbook: 'set_fact_bool_conv.yml', inventory: LOCALHOST },
      { playbook: 'set_fact_empty_str_key.yml', inventory: INCLUDES },
      { playbook: 'set_fact_auto_unsafe.yml', inventory: INCLUDES },
    ],
  },
  {
    name: 'include_import',
    kind: 'script',
    invocations: [
      { playbook: 'playbook/test_import_playbook.yml', inventory: INCLUDES, env: ROLES },
      {
        playbook: 'playbook/test_import_playbook_tags.yml',
        inventory: INCLUDES,
        args: ['--tags', 'canary1,canary22,validate', '--skip-tags', 'skipme'],
        env: ROLES,
      },
      { playbook: 'tasks/test_import_tasks.yml', inventory: INCLUDES, env: ROLES },
      { playbook: 'tasks/test_import_tasks_tags.yml', inventory: INCLUDES, args: ['--tags', 'tasks1,canary1,validate'], env: ROLES },
      { playbook: 'tasks/test_include_tasks.yml', inventory: INCLUDES, env: ROLES },
      { playbook: 'tasks/test_include_tasks_tags.yml', inventory: INCLUDES, args: ['--tags', 'tasks1,canary1,validate'], env: ROLES },
      { playbook: 'role/test_import_role.yml', inventory: INCLUDES, env: ROLES },
      { playbook: 'role/test_include_role.yml', inventory: INCLUDES, env: ROLES },
      { playbook: 'test_role_recursion.yml', inventory: INCLUDES, env: ROLES },
      { playbook: 'test_role_recursion_fqcn.yml', inventory: INCLUDES, env: ROLES },
      { playbook: 'test_nested_tasks.yml', inventory: INCLUDES, env: ROLES },
      { playbook: 'test_nested_tasks_fqcn.yml', inventory: INCLUDES, env: ROLES },
      { playbook: 'test_grandparent_inheritance.yml', inventory: INCLUDES, env: ROLES },
      { playbook: 'test_grandparent_inheritance_fqcn.yml', inventory: INCLUDES, env: ROLES },
      { playbook: 'undefined_var/playbook.yml', inventory: INCLUDES, env: ROLES },
      { playbook: 'apply/include_apply.yml', inventory: INCLUDES, args: ['--tags', 'foo'], env: ROLES },
      { playbook: 'apply/include_apply_65710.yml', inventory: INCLUDES, env: { ...ROLES, ANSIBLE_PLAYBOOK_VARS_ROOT: 'all' } },
      { playbook: 'public_exposure/playbook.yml', inventory: INCLUDES, env: ROLES },
      { playbook: 'public_exposure/no_bleeding.yml', inventory: INCLUDES, env: ROLES },
      { playbook: 'public_exposure/no_overwrite_roles.yml', inventory: INCLUDES, env: ROLES },
      { playbook: 'test_loop_var_bleed.yaml', inventory: LOCALHOST, env: ROLES },
      { playbook: 'valid_include_keywords/playbook.yml', inventory: LOCALHOST, env: ROLES },
      { playbook: 'test_include_loop.yml', inventory: LOCALHOST, env: ROLES },
      { playbook: 'test_include_loop_fqcn.yml', inventory: LOCALHOST, env: ROLES },
      { playbook: 'include_role_omit/playbook.yml', inventory: LOCALHOST, env: ROLES },
    ],
  },
  {
    name: 'blocks',
    kind: 'script',
    invocations: [
      { playbook: 'main.yml', inventory: AT },
      // runme.sh pipes it into tee (its exit code is not checked): its failure has no rescue, so Ansible exits 2.
      { playbook: 'block_fail.yml', inventory: AT, expectCode: 2 },
      { playbook: 'block_rescue_vars.yml', inventory: LOCALHOST },
      { playbook: 'issue29047.yml', inventory: AT },
      { playbook: 'inherit_notify.yml', inventory: LOCALHOST },
      { playbook: 'unsafe_failed_task.yml', inventory: LOCALHOST },
      { playbook: 'finalized_task.yml', inventory: LOCALHOST },
      { playbook: '72725.yml', inventory: { local: ['host1', 'host2'] } },
      // runme.sh greps its output for the assert's success_msg (set +e): host1 fails on purpose, so Ansible exits 2.
      { playbook: '78612.yml', inventory: { local: ['host1', 'host2'] }, expectCode: 2 },
      { playbook: '43191.yml', inventory: LOCALHOST },
      { playbook: '43191-2.yml', inventory: LOCALHOST },
    ],
  },
  {
    name: 'handlers',
    kind: 'script',
    invocations: [
      { playbook: 'test_handlers.yml', inventory: HANDLERS, args: ['--tags', 'scenario1'] },
      { playbook: 'from_handlers.yml', inventory: HANDLERS, args: ['--tags', 'scenario1'] },
      { playbook: 'test_listening_handlers.yml', inventory: HANDLERS },
      { playbook: 'test_handlers_listen.yml', inventory: HANDLERS },
      { playbook: 'test_multiple_handlers_with_recursive_notification.yml', inventory: HANDLERS },
      { playbook: 'test_role_handlers_including_tasks.yml', inventory: AT },
      { playbook: 'test_handlers_infinite_loop.yml', inventory: HANDLERS },
      { playbook: '79776.yml', inventory: HANDLERS },
      // runme.sh runs these two for their exit code only.
      { playbook: 'test_templating_in_handlers.yml', inventory: LOCALHOST, env: { ANSIBLE_ERROR_ON_MISSING_HANDLER: 'false' } },
      { playbook: 'order.yml', inventory: HANDLERS },
    ],
  },
];

/** The scaffolding roles the targets depend on (meta/main.yml), copied with them. */
export const SCAFFOLDING = [
  'prepare_tests',
  'setup_remote_tmp_dir',
  'setup_nobody',
  'setup_deb_repo',
  'prepare_http_tests',
  'setup_remote_constraints',
  'setup_gnutar',
  'setup_test_user',
];
