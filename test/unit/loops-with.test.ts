// The with_<lookup> loop keywords, loop_control.pause / extended and ansible_loop_var, through the real
// loader and executor on a local host; validate's refusal of two loops on one task.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FleetError } from '../../engine/errors.ts';
import { loadPlaybook } from '../../engine/playbook/load.ts';
import { moduleRegistry } from '../../modules/index.ts';
import { messages, play, project, runProject, statuses } from './lookups/harness.ts';

const task = (name: string, loop: string, msg = '{{ item }}', extra = ''): string =>
  `    - name: ${name}\n      debug:\n        msg: ${JSON.stringify(msg)}\n${loop
    .split('\n')
    .map((l) => `      ${l}`)
    .join('\n')}\n${extra}`;

describe('with_* loops', () => {
  it('with_dict yields {key, value} items in order', async () => {
    const dir = project({
      'play.yml': play(
        task('d', 'with_dict: "{{ users }}"', '{{ item.key }}={{ item.value.uid }}'),
        '{ users: { alice: { uid: 1 }, bob: { uid: 2 } } }',
      ),
    });
    expect(messages(await runProject(dir), 'd')).toEqual(['alice=1', 'bob=2']);
  });

  it('with_together zips, padding with None; with_nested and with_cartesian combine', async () => {
    const dir = project({
      'play.yml': play(
        task('t', 'with_together:\n  - [a, b, c]\n  - [1, 2]', '{{ item.0 }}{{ item.1 }}') +
          task('n', 'with_nested:\n  - [x, y]\n  - [1, 2]', '{{ item.0 }}{{ item.1 }}') +
          task('c', 'with_cartesian:\n  - [x]\n  - "{{ nums }}"', '{{ item }}'),
        '{ nums: [7, 8] }',
      ),
    });
    const r = await runProject(dir);
    expect(messages(r, 't')).toEqual(['a1', 'b2', 'cNone']);
    expect(messages(r, 'n')).toEqual(['x1', 'x2', 'y1', 'y2']);
    expect(messages(r, 'c')).toEqual(['["x",7]', '["x",8]']);
  });

  it('with_subelements pairs each parent with each child (skip_missing), the parent without the list', async () => {
    const dir = project({
      'play.yml': play(
        task(
          's',
          'with_subelements:\n  - "{{ users }}"\n  - keys\n  - { skip_missing: true }',
          '{{ item.0.name }}:{{ item.1 }}:{{ item.0.keys is defined }}',
        ),
        '{ users: [{ name: a, keys: [k1, k2] }, { name: b }, { name: c, keys: [k3] }] }',
      ),
    });
    expect(messages(await runProject(dir), 's')).toEqual(['a:k1:False', 'a:k2:False', 'c:k3:False']);
  });

  it('with_subelements without skip_missing fails on a parent without the key, located', async () => {
    const dir = project({ 'play.yml': play(task('s', 'with_subelements: ["{{ users }}", keys]'), '{ users: [{ name: b }] }') });
    const r = await runProject(dir);
    expect(statuses(r, 's')).toEqual(['failed']);
    expect(messages(r, 's')[0]).toMatch(/lookup 'subelements': could not find 'keys' key .*play\.yml:\d+:\d+/);
  });

  it('with_sequence (key=value and short forms), with_indexed_items, with_random_choice, with_list', async () => {
    const dir = project({
      'play.yml': play(
        task('seq', 'with_sequence: start=2 end=6 stride=2 format=n%d') +
          task('short', "with_sequence: '3'") +
          task('idx', 'with_indexed_items: [a, b]', '{{ item.0 }}:{{ item.1 }}') +
          task('rnd', 'with_random_choice: [only]') +
          task('lst', 'with_list: [[1, 2], 3]'),
      ),
    });
    const r = await runProject(dir);
    expect(messages(r, 'seq')).toEqual(['n2', 'n4', 'n6']);
    expect(messages(r, 'short')).toEqual(['1', '2', '3']);
    expect(messages(r, 'idx')).toEqual(['0:a', '1:b']);
    expect(messages(r, 'rnd')).toEqual(['only']);
    expect(messages(r, 'lst')).toEqual(['[1,2]', '3']);
  });

  it('with_fileglob and with_first_found search controller files as copy src does', async () => {
    const dir = project({
      'files/a.conf': 'A',
      'files/b.conf': 'B',
      'vars/Debian.yml': 'x: 1\n',
      'play.yml': play(
        task('g', 'with_fileglob: "*.conf"', '{{ item | basename }}') +
          task('f', 'with_first_found:\n  - files: ["{{ os }}.yml", default.yml]\n    paths: [vars]', '{{ item | basename }}') +
          task('skip', 'with_first_found:\n  - files: [none.yml]\n    skip: true'),
        '{ os: Debian }',
      ),
    });
    const r = await runProject(dir);
    expect(messages(r, 'g')).toEqual(['a.conf', 'b.conf']);
    expect(messages(r, 'f')).toEqual(['Debian.yml']);
    expect(statuses(r, 'skip')).toEqual(['skipped']);
  });

  it('loop_control.extended gives ansible_loop; ansible_loop_var names the loop variable; results carry it', async () => {
    const dir = project({
      'play.yml': play(
        task(
          'e',
          'loop: [a, b, c]\nloop_control: { extended: true, loop_var: x, index_var: i }\nregister: out',
          '{{ ansible_loop.index }}/{{ ansible_loop.length }} {{ ansible_loop.first }} {{ ansible_loop.last }} {{ ansible_loop.previtem | default("-") }} {{ ansible_loop.nextitem | default("-") }} {{ ansible_loop.revindex0 }} {{ ansible_loop.allitems | length }} {{ ansible_loop_var }}={{ x }} {{ i }}',
        ) +
          task(
            'r',
            '',
            '{{ out.results | map(attribute="ansible_loop_var") | list }} {{ out.results | map(attribute="x") | list }} {{ out.results[2].i }}',
          ),
      ),
    });
    const r = await runProject(dir);
    expect(messages(r, 'e')).toEqual(['1/3 True False - b 2 3 x=a 0', '2/3 False False a c 1 3 x=b 1', '3/3 False True b - 0 3 x=c 2']);
    expect(messages(r, 'r')).toEqual(["['x', 'x', 'x'] ['a', 'b', 'c'] 2"]);
  });

  it('extended_allitems: false leaves allitems out', async () => {
    const dir = project({
      'play.yml': play(
        task('e', 'loop: [a]\nloop_control: { extended: true, extended_allitems: false }', '{{ ansible_loop.allitems is defined }}'),
      ),
    });
    expect(messages(await runProject(dir), 'e')).toEqual(['false']);
  });

  it('loop_control.pause waits between items (not before the first)', async () => {
    const dir = project({
      'play.yml': play(task('p', 'loop: [1, 2, 3]\nloop_control: { pause: 0.2 }', '{{ item }}')),
    });
    const started = Date.now();
    const r = await runProject(dir);
    const took = Date.now() - started;
    expect(messages(r, 'p')).toEqual(['1', '2', '3']);
    expect(took).toBeGreaterThanOrEqual(390);
  });

  it('with_first_found leaves out a name that uses an undefined variable, as Ansible', async () => {
    const dir = project({
      'files/default.yml': '',
      'play.yml': play(
        task('f', 'with_first_found:\n  - "{{ nope }}.yml"\n  - files: ["{{ also_nope }}.yml", default.yml]', '{{ item | basename }}'),
      ),
    });
    expect(messages(await runProject(dir), 'f')).toEqual(['default.yml']);
  });

  it('include_tasks loops with a lookup: with_first_found picks the task file, with_dict passes items', async () => {
    const dir = project({
      'tasks/Debian.yml': '- name: inc\n  debug: { msg: "debian {{ item | basename }}" }\n',
      'tasks/pair.yml': '- name: pair\n  debug: { msg: "{{ item.key }}={{ item.value }} {{ ansible_loop_var }}" }\n',
      'play.yml': play(
        '    - include_tasks: "{{ item }}"\n      with_first_found:\n        - files: ["{{ os }}.yml", default.yml]\n          paths: [tasks]\n' +
          '    - include_tasks: tasks/pair.yml\n      with_dict: { a: 1, b: 2 }\n',
        '{ os: Debian }',
      ),
    });
    const r = await runProject(dir);
    expect(messages(r, 'inc')).toEqual(['debian Debian.yml']);
    expect(messages(r, 'pair')).toEqual(['a=1 item', 'b=2 item']);
  });

  it('validate accepts the with_* keywords and loop_control options, and refuses two loops on one task', () => {
    const ok = project({
      'play.yml': play(
        task('a', 'with_dict: { a: 1 }') +
          task('b', 'with_sequence: count=2\nloop_control: { pause: 1, extended: true }') +
          task('c', 'with_nested: [[1], [2]]'),
      ),
    });
    expect(loadPlaybook(path.join(ok, 'play.yml'), moduleRegistry).plays[0]?.tasks.length).toBe(3);
    const bad = project({ 'play.yml': play(task('a', 'with_items: [1]\nwith_dict: { a: 1 }')) });
    // The second loop keyword is the one pointed at: line 9 of the play file (its key, after with_items on line 8).
    let error: unknown;
    try {
      loadPlaybook(path.join(bad, 'play.yml'), moduleRegistry);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(FleetError);
    expect((error as FleetError).format()).toMatch(
      /play\.yml:9:7: a task takes one loop: 'with_items' and 'with_dict' cannot be used together/,
    );
  });
});
