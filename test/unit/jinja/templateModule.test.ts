// The template module renders a .j2 src as Jinja2 and a .hbs src with Handlebars, through the renderFile a
// task's module context really has (engine/executor/runTask.ts moduleContext), on a fake host.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planModule } from '../../../engine/executor/moduleDriver.ts';
import { moduleContext, type TaskSettings } from '../../../engine/executor/runTask.ts';
import type { HostRun } from '../../../engine/executor/hostRun.ts';
import type { TaskDef, Vars } from '../../../engine/types.ts';
import { templateModule } from '../../../modules/template/index.ts';
import { fakeHost } from '../../support/fakeHost.ts';
import { renderJinja } from '../../../engine/jinja/index.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-jinja-module-'));
const files: Record<string, string> = {
  // The task file's own templates/ holds the src; the include is only in the playbook's templates/.
  'tasks/templates/sysctl.conf.j2': [
    '# {{ ansible_managed }} ({{ template_fullpath }})',
    '{% for key in sysctl %}',
    '{{ key }} = {{ sysctl[key] }}',
    '{% endfor %}',
    '{% if extra is defined %}',
    '{{ extra }}',
    '{% endif %}',
    '{% include "footer.j2" %}',
    '',
  ].join('\n'),
  'templates/footer.j2': '# {{ sysctl | length }} settings\n',
  'tasks/templates/list.hbs': '{{#each names}}{{this}};{{/each}}\n',
  'tasks/templates/broken.j2': 'ok\n{% for x in names %}\n{{ x.nope }}\n{% endfor %}\n',
};
for (const [name, text] of Object.entries(files)) {
  mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
  writeFileSync(path.join(dir, name), text);
}

const VARS: Vars = {
  ansible_managed: 'managed by fleetplay',
  sysctl: { 'net.ipv4.ip_forward': 1, 'vm.swappiness': 10 },
  names: ['a', 'b'],
};

/** The renderFile of a real module context for a task in tasks/main.yml of a playbook in `dir`. */
function realRenderFile(vars: Vars) {
  const task = { location: { file: path.join(dir, 'tasks', 'main.yml'), line: 1, column: 1 } } as unknown as TaskDef;
  const host = { name: 'h' } as unknown as HostRun;
  const settings = { check: false, playbookDir: dir } as unknown as TaskSettings;
  return moduleContext(task, host, vars, settings, { commands: 0, timedOut: false }).renderFile;
}

/** A host where the destination is missing and its directory exists. */
function host(vars: Vars) {
  return fakeHost({
    vars,
    reply: (command) => (command.includes('/etc/out') ? 'type=absent\n' : 'type=directory\nmode=755\nowner=root\ngroup=root\n'),
    renderFile: realRenderFile(vars),
    resolveLocalPath: (relative) => path.join(dir, 'tasks', 'templates', relative),
  });
}

describe('template module with Jinja2 templates', () => {
  it('renders a .j2 src as Jinja2: loops, tests, filters and an include from the playbook templates/', async () => {
    const plan = await planModule(templateModule, { src: 'sysctl.conf.j2', dest: '/etc/out' }, host(VARS));
    expect(plan.kind).toBe('change');
    if (plan.kind !== 'change') return;
    // ansible_managed and template_fullpath are the template module's, over the task's variables, as in Ansible.
    const src = path.join(dir, 'tasks', 'templates', 'sysctl.conf.j2');
    expect(plan.diff?.[0]?.after).toBe(`# Ansible managed (${src})\nnet.ipv4.ip_forward = 1\nvm.swappiness = 10\n# 2 settings\n`);
  });

  it('keeps Handlebars for a .hbs src', async () => {
    const plan = await planModule(templateModule, { src: 'list.hbs', dest: '/etc/out' }, host(VARS));
    expect(plan.kind === 'change' ? plan.diff?.[0]?.after : plan).toBe('a;b;\n');
  });

  it('fails the task naming the undefined value and its template file, line and column', async () => {
    // The module lets the error through; runTask reports it with its location as "message (file:line:col)".
    await expect(planModule(templateModule, { src: 'broken.j2', dest: '/etc/out' }, host(VARS))).rejects.toMatchObject({
      kind: 'template',
      message: "'x.nope' is undefined",
      location: { file: path.join(dir, 'tasks', 'templates', 'broken.j2'), line: 3, column: 4 },
    });
  });
});

describe("Ansible's template variables", () => {
  it('sets ansible_managed, template_path, template_fullpath, template_host and template_uid; a set overrides them', () => {
    const file = path.join(dir, 'tasks', 'templates', 'list.hbs');
    const out = renderJinja(
      '{{ ansible_managed }}|{{ template_path }}|{{ template_fullpath }}|{{ template_host }}|{{ template_uid }}',
      {},
      file,
    );
    expect(out).toBe(`Ansible managed|${file}|${file}|${os.hostname()}|${os.userInfo().username}`);
    expect(renderJinja('{% set ansible_managed = "mine" %}{{ ansible_managed }}', { ansible_managed: 'task' }, file)).toBe('mine');
  });
});
