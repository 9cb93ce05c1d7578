// Variable precedence with roles, as Ansible documents it (lowest first): role defaults, inventory
// and playbook group_vars/host_vars, facts, play vars, vars_files, role vars (and the roles: entry's
// vars), block and task vars, set_fact and registered results, role params, extra vars.
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MASK, Secrets } from '../../engine/secrets.ts';
import { fixture, messages, runFixture } from './support/roleFixture.ts';

const NAMES = [
  'only_default',
  'inv_over_default',
  'gv_over_default',
  'play_over_default',
  'rv_over_play',
  'rv_over_vf',
  'entry_over_rv',
  'task_over_rv',
  'param_over_setfact',
  'extra_over_param',
];
const show = (names: string[]) => names.map((n) => `${n}={{ ${n} }}`).join(' ');
const SHOW = show(NAMES);
// Role params are the role's own: the play's tasks show the others.
const SHOW_IN_PLAY = show(NAMES.filter((n) => !['param_over_setfact', 'extra_over_param'].includes(n)));

function precedenceFixture() {
  return fixture({
    'play.yml': `- hosts: all
  gather_facts: false
  vars:
    play_over_default: play
    rv_over_play: play
  vars_files: [vf.yml]
  roles:
    - role: r
      vars: { entry_over_rv: entry_vars }
      param_over_setfact: param
      extra_over_param: param
  tasks:
    - name: the play's own task
      debug: { msg: "${SHOW_IN_PLAY} after={{ param_over_setfact }}" }
`,
    'vf.yml': 'rv_over_vf: vars_file\n',
    'group_vars/all.yml': 'gv_over_default: group_vars\n',
    'roles/r/defaults/main.yml': NAMES.map((n) => `${n}: default`).join('\n'),
    'roles/r/vars/main.yml': 'rv_over_play: role_vars\nrv_over_vf: role_vars\nentry_over_rv: role_vars\ntask_over_rv: role_vars\n',
    'roles/r/tasks/main.yml': `- set_fact: { param_over_setfact: set_fact }
- name: in the role
  vars: { task_over_rv: task }
  debug: { msg: "${SHOW}" }
`,
  });
}

describe('role variable precedence', () => {
  it('ranks defaults lowest, role vars over play vars and vars_files, params over set_fact, extra vars over all', async () => {
    const dir = precedenceFixture();
    writeFileSync(`${dir}/inv`, '[all]\nh1 ansible_connection=local inv_over_default=inventory\n');
    const r = await runFixture(dir, { extraVars: { extra_over_param: 'extra' } });
    const [inRole, inPlay] = messages(r);
    expect(inRole).toBe(
      [
        'only_default=default',
        'inv_over_default=inventory',
        'gv_over_default=group_vars',
        'play_over_default=play',
        'rv_over_play=role_vars',
        'rv_over_vf=role_vars',
        'entry_over_rv=entry_vars',
        'task_over_rv=task',
        'param_over_setfact=param',
        'extra_over_param=extra',
      ].join(' '),
    );
    // The play's tasks see a roles: role's defaults and vars/ (Ansible's public role variables),
    // not its params nor the entry's vars: (those belong to the role's own tasks).
    expect(inPlay).toBe(
      [
        'only_default=default',
        'inv_over_default=inventory',
        'gv_over_default=group_vars',
        'play_over_default=play',
        'rv_over_play=role_vars',
        'rv_over_vf=role_vars',
        'entry_over_rv=role_vars',
        'task_over_rv=role_vars',
        'after=set_fact',
      ].join(' '),
    );
  });

  it("gives a role's own defaults and vars precedence over another role's in its own tasks", async () => {
    const dir = fixture({
      'play.yml': '- hosts: all\n  gather_facts: false\n  roles: [a, b]\n  tasks:\n    - debug: { msg: "play {{ shared }} {{ sv }}" }\n',
      'roles/a/defaults/main.yml': 'shared: a\n',
      'roles/a/vars/main.yml': 'sv: a\n',
      'roles/a/tasks/main.yml': '- debug: { msg: "a {{ shared }} {{ sv }}" }\n',
      'roles/b/defaults/main.yml': 'shared: b\n',
      'roles/b/vars/main.yml': 'sv: b\n',
      'roles/b/tasks/main.yml': '- debug: { msg: "b {{ shared }} {{ sv }}" }\n',
    });
    // In the play's tasks the role loaded last wins, as Ansible merges the play's roles in order.
    expect(messages(await runFixture(dir))).toEqual(['a a a', 'b b b', 'play b b']);
  });

  it('keeps an include_role private unless public: true, then shows it to the tasks after it', async () => {
    const dir = fixture({
      'play.yml': `- hosts: all
  gather_facts: false
  tasks:
    - include_role: { name: priv }
    - debug: { msg: "after priv, visible" }
      when: priv_default is defined
    - include_role: { name: pub, public: true }
    - debug: { msg: "after pub {{ pub_default }} {{ pub_var }}" }
`,
      'roles/priv/defaults/main.yml': 'priv_default: p\n',
      'roles/priv/tasks/main.yml': '- debug: { msg: "in priv {{ priv_default }}" }\n',
      'roles/pub/defaults/main.yml': 'pub_default: d\n',
      'roles/pub/vars/main.yml': 'pub_var: v\n',
      'roles/pub/tasks/main.yml': '- debug: { msg: "in pub {{ pub_default }}" }\n',
    });
    const r = await runFixture(dir);
    expect(messages(r)).toEqual(['in priv p', 'condition false', 'in pub d', 'after pub d v']);
  });

  it('sets role_name and role_path in the role, and role_names for the play', async () => {
    const dir = fixture({
      'play.yml':
        "- hosts: all\n  gather_facts: false\n  roles: [first, second]\n  tasks:\n    - debug: { msg: names }\n      when: \"role_names == ['first', 'second']\"\n",
      'roles/first/tasks/main.yml': '- debug: { msg: "{{ role_name }} {{ role_path }}" }\n',
      'roles/second/tasks/main.yml': '- debug: { msg: "{{ role_name }}" }\n',
    });
    expect(messages(await runFixture(dir))).toEqual([`first ${dir}/roles/first`, 'second', 'names']);
  });

  it("keeps the values of roles' secret-named variables secret, for roles: and include_role alike", async () => {
    const dir = fixture({
      'play.yml': '- hosts: all\n  gather_facts: false\n  roles: [db]\n  tasks:\n    - include_role: { name: "{{ \'api\' }}" }\n',
      'roles/db/defaults/main.yml': 'db_password: default-secret-1\n',
      'roles/db/meta/main.yml': 'dependencies: [{ role: dep, dep_token: param-secret-2 }]\n',
      'roles/dep/vars/main.yml': 'dep_api_key: vars-secret-3\n',
      'roles/api/defaults/main.yml': 'api_secret: included-secret-4\n',
      'roles/api/tasks/main.yml': '- debug: { msg: api }\n',
    });
    const secrets = new Secrets();
    await runFixture(dir, { secrets });
    const text = 'default-secret-1 param-secret-2 vars-secret-3 included-secret-4 plain';
    expect(secrets.redact(text)).toBe(`${MASK} ${MASK} ${MASK} ${MASK} plain`);
  });
});
