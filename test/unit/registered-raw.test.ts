// What a task registers is data: a text in it holding `{{ … }}` is not rendered again when read, as Ansible
// marks module results unsafe (template target lazy_eval.yml reads the message of a failed template).
import { describe, expect, it } from 'vitest';
import { markRaw } from '../../engine/template/scope.ts';
import { scopeOf } from '../../engine/template/render.ts';
import { evaluate, parseExpression } from '../../engine/expr/index.ts';
import { messages, play, project, runProject } from './lookups/harness.ts';

describe('registered results are not templated again', () => {
  it('reads a registered message holding {{ }} as text', async () => {
    const dir = project({
      'play.yml': play(
        [
          '    - debug: { msg: "{{ nope }}" }',
          '      ignore_errors: true',
          '      register: res',
          '    - name: show',
          '      debug: { msg: "{{ res.msg is contains(\\"\'nope\' is undefined\\") }}" }',
          '',
        ].join('\n'),
      ),
    });
    expect(messages(await runProject(dir), 'show')).toEqual(['true']);
  });

  it('leaves marked data alone and still renders the other variables', () => {
    const where = { file: 'p.yml', line: 1, column: 1 };
    const vars = scopeOf({ r: markRaw({ out: ['{{ x }}'] }), y: '{{ x }}', x: 1 }, where);
    expect(evaluate(parseExpression('r.out[0]'), vars)).toBe('{{ x }}');
    expect(evaluate(parseExpression('y'), vars)).toBe(1);
  });
});
