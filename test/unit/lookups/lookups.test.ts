// lookup() / query() / q() through the real loader and executor: each plugin, Ansible's list-or-string
// result, the search path of file lookups, and located errors.
import { describe, expect, it } from 'vitest';
import { messages, play, project, runProject, statuses } from './harness.ts';

// A debug task; a failing one does not stop the play (ignore_errors), so later tasks still run.
const debug = (name: string, msg: string): string =>
  `    - name: ${name}\n      ignore_errors: true\n      debug:\n        msg: ${JSON.stringify(msg)}\n`;

describe('lookups', () => {
  it('env reads the controller environment, with a default', async () => {
    process.env.FP_LOOKUP_TEST = 'from-env';
    const dir = project({
      'play.yml': play(
        debug('a', "{{ lookup('env', 'FP_LOOKUP_TEST') }}") +
          debug('b', "{{ lookup('ansible.builtin.env', 'FP_LOOKUP_UNSET_X', default='dflt') }}") +
          debug('c', "{{ query('env', 'FP_LOOKUP_TEST', 'FP_LOOKUP_UNSET_X') }}"),
      ),
    });
    const r = await runProject(dir);
    expect(messages(r, 'a')).toEqual(['from-env']);
    expect(messages(r, 'b')).toEqual(['dflt']);
    expect(messages(r, 'c')).toEqual(['["from-env",""]']);
  });

  it('file is searched as copy src (files/ first), rstrip by default, lstrip on request; a lazy variable may use it', async () => {
    const dir = project({
      'files/motd.txt': '  hello\n\n',
      'motd.txt': 'beside the playbook\n',
      'other.txt': 'other\n',
      'play.yml': play(
        debug('a', "[{{ lookup('file', 'motd.txt') }}]") +
          debug('b', "[{{ lookup('file', 'motd.txt', lstrip=True) }}]") +
          debug('c', "[{{ lookup('file', 'motd.txt', rstrip=False) }}]") +
          debug('d', '{{ text }}'),
        "{ text: \"{{ lookup('file', 'other.txt') | upper }}\" }",
      ),
    });
    const r = await runProject(dir);
    expect(messages(r, 'a')).toEqual(['[  hello]']);
    expect(messages(r, 'b')).toEqual(['[hello]']);
    expect(messages(r, 'c')).toEqual(['[  hello\n\n]']);
    expect(messages(r, 'd')).toEqual(['OTHER']);
  });

  it('a missing file is an error that names the lookup and the task location', async () => {
    const dir = project({ 'play.yml': play(debug('a', "{{ lookup('file', 'nope.txt') }}")) });
    const r = await runProject(dir);
    expect(statuses(r, 'a')).toEqual(['failed']);
    const [msg] = messages(r, 'a');
    expect(msg).toContain("lookup 'file': could not locate file in lookup: nope.txt");
    expect(msg).toMatch(/play\.yml:\d+:\d+/);
  });

  it('template renders with the task variables (Jinja2, and Handlebars for .hbs), template_vars on top', async () => {
    const dir = project({
      'templates/t.j2': '{% for x in xs %}{{ x }}-{% endfor %}{{ who }}\n',
      'templates/t.hbs': 'hb {{who}}\n',
      'play.yml': play(
        debug('a', "{{ lookup('template', 't.j2') }}") +
          debug('b', "{{ lookup('template', 't.j2', template_vars={'who': 'override'}) }}") +
          debug('c', "{{ lookup('template', 't.hbs') }}"),
        '{ xs: [1, 2], who: world }',
      ),
    });
    const r = await runProject(dir);
    expect(messages(r, 'a')).toEqual(['1-2-world\n']);
    expect(messages(r, 'b')).toEqual(['1-2-override\n']);
    expect(messages(r, 'c')).toEqual(['hb world\n']);
  });

  it('vars reads a computed variable name, default when missing, error without', async () => {
    const dir = project({
      'play.yml': play(
        debug('a', "{{ lookup('vars', 'port_' + kind) }}") +
          debug('b', "{{ lookup('vars', 'nope', default='d') }}") +
          debug('c', "{{ lookup('vars', 'nope') }}"),
        '{ kind: web, port_web: 8080 }',
      ),
    });
    const r = await runProject(dir);
    expect(messages(r, 'a')).toEqual(['8080']);
    expect(messages(r, 'b')).toEqual(['d']);
    expect(messages(r, 'c')[0]).toContain('No variable found with this name: nope');
  });

  it('first_found returns the first existing file, paths and skip work; nothing found is an error', async () => {
    const dir = project({
      'vars/debian.yml': 'a: 1\n',
      'files/default.yml': 'b: 2\n',
      'play.yml': play(
        debug('a', "{{ lookup('first_found', ['missing.yml', 'default.yml']) }}") +
          debug('b', "{{ lookup('first_found', {'files': ['redhat.yml', 'debian.yml'], 'paths': ['DIR/vars']}) }}") +
          debug('c', "{{ query('first_found', 'x.yml,y.yml', skip=True) }}") +
          debug('d', "{{ lookup('first_found', 'x.yml') }}"),
      ),
    });
    const r = await runProject(dir);
    expect(messages(r, 'a')).toEqual([`${dir}/files/default.yml`]);
    expect(messages(r, 'b')).toEqual([`${dir}/vars/debian.yml`]);
    expect(messages(r, 'c')).toEqual(['[]']);
    expect(messages(r, 'd')[0]).toContain('No file was found when using first_found');
  });

  it('fileglob lists matching regular files, sorted; lookup joins them with commas', async () => {
    const dir = project({
      'files/conf/b.conf': '',
      'files/conf/a.conf': '',
      'files/conf/c.txt': '',
      'files/conf/.hidden.conf': '',
      'play.yml': play(debug('a', "{{ lookup('fileglob', 'conf/*.conf') }}") + debug('b', "{{ query('fileglob', 'conf/*.none') }}")),
    });
    const r = await runProject(dir);
    expect(messages(r, 'a')).toEqual([`${dir}/files/conf/a.conf,${dir}/files/conf/b.conf`]);
    expect(messages(r, 'b')).toEqual(['[]']);
  });

  it('items, dict, sequence and list shapes as Ansible returns them', async () => {
    const dir = project({
      'play.yml': play(
        debug('items', "{{ query('items', [1, [2, [3]]], 4) }}") +
          debug('dict', "{{ query('dict', {'a': 1, 'b': 2}) }}") +
          debug('seq', "{{ query('sequence', 'start=1 end=9 stride=3 format=web%02d') }}") +
          debug('short', "{{ lookup('sequence', '4-6') }}") +
          debug('count', "{{ query('sequence', count=3, start=0) }}") +
          debug('one', "{{ lookup('items', [{'a': 1}]) }}"),
      ),
    });
    const r = await runProject(dir);
    // Flattened one level only, as Ansible's LookupBase._flatten.
    expect(messages(r, 'items')).toEqual(['[1,[2,[3]],4]']);
    expect(messages(r, 'dict')).toEqual(['[{"key":"a","value":1},{"key":"b","value":2}]']);
    expect(messages(r, 'seq')).toEqual(['["web01","web04","web07"]']);
    expect(messages(r, 'short')).toEqual(['4,5,6']);
    expect(messages(r, 'count')).toEqual(['["0","1","2"]']);
    // A single non-string value comes back alone, as Ansible's lookup() does.
    expect(messages(r, 'one')).toEqual(['{"a":1}']);
  });

  it('sequence refuses what Ansible refuses', async () => {
    const dir = project({
      'play.yml': play(debug('a', "{{ lookup('sequence', 'start=5 end=1') }}") + debug('b', "{{ lookup('sequence', 'end=3 count=2') }}")),
    });
    const r = await runProject(dir);
    expect(messages(r, 'a')[0]).toContain('to count backwards make stride negative');
    expect(messages(r, 'b')[0]).toContain("can't specify both count and end");
  });

  it('pipe runs a command on the controller in the playbook folder; a failing command is an error', async () => {
    const dir = project({
      'play.yml': play(debug('a', "{{ lookup('pipe', 'basename \"$PWD\"; echo second') }}") + debug('b', "{{ lookup('pipe', 'exit 3') }}")),
    });
    const r = await runProject(dir);
    expect(messages(r, 'a')).toEqual([`${dir.split('/').pop()}\nsecond`]);
    expect(messages(r, 'b')[0]).toContain('returned 3');
  });

  it('errors=ignore gives None; an unknown lookup or option is an error', async () => {
    const dir = project({
      'play.yml': play(
        debug('a', "{{ lookup('file', 'nope', errors='ignore') is none }}") +
          debug('b', "{{ lookup('nosuch', 'x') }}") +
          debug('c', "{{ lookup('env', 'HOME', bogus=1) }}"),
      ),
    });
    const r = await runProject(dir);
    expect(messages(r, 'a')).toEqual(['true']);
    expect(messages(r, 'b')[0]).toContain("lookup plugin 'nosuch' is not supported");
    expect(messages(r, 'c')[0]).toContain("does not take the option 'bogus'");
  });

  it('lookups work in when and changed_when', async () => {
    process.env.FP_LOOKUP_WHEN = 'yes';
    const dir = project({
      'play.yml': play(
        `    - name: a\n      debug: { msg: ran }\n      when: lookup('env', 'FP_LOOKUP_WHEN') == 'yes'\n` +
          `    - name: b\n      debug: { msg: ran }\n      when: lookup('env', 'FP_LOOKUP_WHEN') == 'no'\n` +
          `    - name: c\n      command: 'true'\n      changed_when: lookup('env', 'FP_LOOKUP_WHEN') == 'no'\n`,
      ),
    });
    const r = await runProject(dir);
    expect(statuses(r, 'a')).toEqual(['ok']);
    expect(statuses(r, 'b')).toEqual(['skipped']);
    expect(statuses(r, 'c')).toEqual(['ok']);
  });

  it('lookups work in a block when over a loop, and in until', async () => {
    process.env.FP_LOOKUP_WHEN = 'yes';
    const dir = project({
      'play.yml': play(
        "    - when: lookup('env', 'FP_LOOKUP_WHEN') == 'yes'\n      block:\n        - name: lw\n          debug: { msg: '{{ item }}' }\n          loop: [1, 2]\n" +
          "    - name: u\n      command: 'true'\n      register: out\n      retries: 1\n      delay: 0\n      until: lookup('env', 'FP_LOOKUP_WHEN') == 'yes'\n",
      ),
    });
    const r = await runProject(dir);
    expect(messages(r, 'lw')).toEqual(['1', '2']);
    expect(statuses(r, 'u')).toEqual(['changed']);
  });

  it('assert and debug var evaluate lookups, also through a lazy variable', async () => {
    process.env.FP_LOOKUP_ASSERT = 'a';
    const dir = project({
      'play.yml': play(
        "    - name: a\n      assert:\n        that: [\"lookup('env', 'FP_LOOKUP_ASSERT') == 'a'\", \"lazy == 'a'\"]\n" +
          "    - name: d\n      debug: { var: \"lookup('env', 'FP_LOOKUP_ASSERT') ~ lazy\" }\n",
        "{ lazy: \"{{ lookup('env', 'FP_LOOKUP_ASSERT') }}\" }",
      ),
    });
    const r = await runProject(dir);
    expect(statuses(r, 'a')).toEqual(['ok']);
    expect(messages(r, 'd')[0]).toContain('= aa');
  });

  it('a Jinja template file may call lookups', async () => {
    process.env.FP_LOOKUP_TPL = 'tpl-env';
    const dir = project({
      'templates/x.j2': "{{ lookup('env', 'FP_LOOKUP_TPL') }} {{ lookup('file', 'f.txt') }}\n",
      'files/f.txt': 'filed\n',
      'play.yml': play('    - name: t\n      template: { src: x.j2, dest: DIR/out.txt }\n'),
    });
    const r = await runProject(dir);
    expect(statuses(r, 't')).toEqual(['changed']);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(`${dir}/out.txt`, 'utf8')).toBe('tpl-env filed\n');
  });
});
