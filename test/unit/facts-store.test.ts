// Where returned facts go (set_fact, its cacheable, setup), how `ansible_facts` shows them, setup's filter,
// and the variables a task sees: facts injected as `ansible_<name>` and under `ansible_facts` without it.
import { describe, expect, it } from 'vitest';
import { filterFacts, namespaceFacts, prefixFacts, storeReturnedFacts } from '../../engine/executor/facts.ts';
import { taskVars, type HostRun, type PlayVars } from '../../engine/executor/hostRun.ts';
import type { Vars } from '../../engine/types.ts';

const where = { file: 'p.yml', line: 1, column: 1 };

describe('returned facts', () => {
  it('set_fact: host variables only; with cacheable, facts too, and the marker is not registered', () => {
    const [facts, hostVars] = [{} as Vars, {} as Vars];
    storeReturnedFacts('set_fact', { ansible_facts: { a: 1 } }, facts, hostVars);
    expect([facts, hostVars]).toEqual([{}, { a: 1 }]);
    const registered: Vars = { ansible_facts: { b: 2 }, _ansible_facts_cacheable: true };
    storeReturnedFacts('set_fact', registered, facts, hostVars);
    expect([facts, hostVars]).toEqual([{ b: 2 }, { a: 1, b: 2 }]);
    expect(registered).toEqual({ ansible_facts: { b: 2 } });
  });

  it('setup: facts (not host variables); debug: nothing; a loop: each item', () => {
    const [facts, hostVars] = [{} as Vars, {} as Vars];
    storeReturnedFacts('setup', { ansible_facts: { ansible_distribution: 'Debian' } }, facts, hostVars);
    storeReturnedFacts('debug', { ansible_facts: { x: 1 } }, facts, hostVars);
    storeReturnedFacts(
      'set_fact',
      { results: [{ ansible_facts: { i: 1 } }, { ansible_facts: { j: 2 }, _ansible_facts_cacheable: true }] },
      facts,
      hostVars,
    );
    expect(facts).toEqual({ ansible_distribution: 'Debian', j: 2 });
    expect(hostVars).toEqual({ i: 1, j: 2 });
  });

  it('a fact named __proto__ stays an ordinary name', () => {
    const facts: Vars = {};
    storeReturnedFacts('setup', { ansible_facts: JSON.parse('{"__proto__": {"polluted": 1}}') as Vars }, facts, {});
    expect(Object.hasOwn(facts, '__proto__')).toBe(true);
    expect(({} as Vars).polluted).toBeUndefined();
  });
});

describe('ansible_facts and the injected names', () => {
  it('strips the ansible_ prefix (ansible_local keeps it), and prefixes what lacks it', () => {
    expect(namespaceFacts({ ansible_os_family: 'Debian', mine: 1, ansible_local: {} })).toEqual({
      os_family: 'Debian',
      mine: 1,
      ansible_local: {},
    });
    expect(prefixFacts({ distribution: 'Debian', ansible_x: 1 })).toEqual({ ansible_distribution: 'Debian', ansible_x: 1 });
  });

  it('a task sees ansible_facts.<name> and ansible_<name>, below play vars and set_fact', () => {
    const host = {
      name: 'h1',
      inventoryVars: { ansible_distribution: 'inventory' },
      groups: [],
      hostFacts: { ansible_os_family: 'set_fact' },
    } as unknown as HostRun;
    host.facts = { ansible_distribution: 'Debian', ansible_os_family: 'Debian', ansible_default_ipv4: { address: '192.0.2.2' }, cached: 7 };
    const play: PlayVars = { playVars: { ansible_default_ipv4: { address: 'play' } }, varsFiles: {}, extraVars: {}, magic: {} };
    const vars = taskVars(host, play, [], where);
    expect(vars.ansible_distribution).toBe('Debian');
    expect(vars.ansible_os_family).toBe('set_fact');
    expect(vars.ansible_default_ipv4).toEqual({ address: 'play' });
    expect(vars.cached).toBe(7);
    expect(vars.ansible_facts).toEqual({ distribution: 'Debian', os_family: 'Debian', default_ipv4: { address: '192.0.2.2' }, cached: 7 });
  });
});

describe("setup's filter", () => {
  const facts = {
    ansible_distribution: 'Debian',
    ansible_distribution_version: '12',
    ansible_memtotal_mb: 1,
    ansible_memfree_mb: 1,
    ansible_eth0: {},
    ansible_eth3: {},
  };

  it('shell patterns, with ansible_ put in front of a pattern that lacks it; none or * keeps all', () => {
    expect(Object.keys(filterFacts(facts, ['ansible_*_mb']))).toEqual(['ansible_memtotal_mb', 'ansible_memfree_mb']);
    expect(Object.keys(filterFacts(facts, ['distribution']))).toEqual(['ansible_distribution']);
    expect(Object.keys(filterFacts(facts, ['ansible_eth[0-2]']))).toEqual(['ansible_eth0']);
    expect(Object.keys(filterFacts(facts, ['ansible_eth[!0]']))).toEqual(['ansible_eth3']);
    expect(Object.keys(filterFacts(facts, ['dist?ibution', 'nothing']))).toEqual(['ansible_distribution']);
    expect(filterFacts(facts, [])).toBe(facts);
    expect(filterFacts(facts, ['*'])).toBe(facts);
    expect(filterFacts(facts, ['ansible_.*'])).toEqual({});
  });
});
