// The tests of `x is name(...)`: type checks, Ansible's result tests, regex and version tests.
import { problem } from './error.ts';
import { FILE_TESTS } from './is-tests-files.ts';
import { VALUE_TESTS } from './is-tests-values.ts';
import { compileRegex, regexProblems, regexSubject } from './regex.ts';
import type { BoundArgs, Signature } from './signature.ts';
import { isMapping, ownValue, toText, truthy, type Mapping } from './values.ts';
import { compareVersions } from './version.ts';

/** One test: its parameters and the check itself. */
export interface TestSpec {
  signature: Signature;
  /** When true the input may be undefined (a missing variable or attribute) without an error. */
  acceptsUndefined?: boolean;
  check(value: unknown, args: BoundArgs): boolean;
}

const NO_ARGS: Signature = { params: [], required: 0 };
const REGEX_ARGS: Signature = { params: ['pattern', 'ignorecase', 'multiline'], required: 1 };

const simple = (check: (value: unknown) => boolean): TestSpec => ({ signature: NO_ARGS, check });
const onResult = (check: (result: Mapping) => boolean, name: string): TestSpec =>
  simple((value) => (isMapping(value) ? check(value) : problem(`the '${name}' test expects a registered result (a mapping)`)));

const failed = (result: Mapping): boolean => truthy(ownValue(result, 'failed'));
const changed = (result: Mapping): boolean => {
  if (Object.hasOwn(result, 'changed')) return truthy(ownValue(result, 'changed'));
  // A registered loop: changed when any item changed.
  const items = ownValue(result, 'results');
  return Array.isArray(items) && items.some((item) => isMapping(item) && truthy(ownValue(item, 'changed')));
};
const skipped = (result: Mapping): boolean => truthy(ownValue(result, 'skipped'));
// Async status: 0 or 1 under `finished` / `started`; a result without it (not async) counts as done.
const asyncFlag =
  (key: string) =>
  (result: Mapping): boolean =>
    !Object.hasOwn(result, key) || ownValue(result, key) === 1;

type MatchType = 'match' | 'search' | 'fullmatch';

// Ansible's regex tests: Python's re.match (anchored at the start), re.search, or re.fullmatch for `regex`.
function regexTest(fixed?: MatchType): TestSpec {
  return {
    signature: fixed ? REGEX_ARGS : { ...REGEX_ARGS, params: [...REGEX_ARGS.params, 'match_type'] },
    check(value, args) {
      const type = fixed ?? args.values.get('match_type') ?? 'search';
      if (type !== 'match' && type !== 'search' && type !== 'fullmatch') {
        return problem(`regex: match_type must be 'match', 'search' or 'fullmatch', not ${JSON.stringify(type)}`);
      }
      const regex = compileRegex(args.values.get('pattern'), {
        ignorecase: truthy(args.values.get('ignorecase')),
        multiline: truthy(args.values.get('multiline')),
      });
      const subject = regexSubject(toText(value));
      return regexProblems(() => {
        if (type === 'search') return regex.test(subject);
        return type === 'match' ? regex.match(subject) !== null : regex.fullMatch(subject);
      });
    },
  };
}

const entries: Array<[string[], TestSpec]> = [
  [['defined'], { signature: NO_ARGS, acceptsUndefined: true, check: (value) => value !== undefined }],
  [['undefined'], { signature: NO_ARGS, acceptsUndefined: true, check: (value) => value === undefined }],
  [['none'], simple((value) => value === null)],
  [['true'], simple((value) => value === true)],
  [['false'], simple((value) => value === false)],
  [['boolean'], simple((value) => typeof value === 'boolean')],
  [['string'], simple((value) => typeof value === 'string')],
  [['number'], simple((value) => typeof value === 'number')],
  [['integer'], simple((value) => Number.isInteger(value))],
  [['float'], simple((value) => typeof value === 'number' && !Number.isInteger(value))],
  [['mapping'], simple(isMapping)],
  [['iterable'], simple((value) => typeof value === 'string' || Array.isArray(value) || isMapping(value))],
  // Jinja: anything with a length and items, so strings and mappings count too.
  [['sequence'], simple((value) => typeof value === 'string' || Array.isArray(value) || isMapping(value))],
  [['succeeded', 'success', 'successful'], onResult((r) => !failed(r), 'succeeded')],
  [['failed', 'failure'], onResult(failed, 'failed')],
  [['changed', 'change'], onResult(changed, 'changed')],
  [['skipped', 'skip'], onResult(skipped, 'skipped')],
  [['unreachable'], onResult((r) => truthy(ownValue(r, 'unreachable')), 'unreachable')],
  [['reachable'], onResult((r) => !truthy(ownValue(r, 'unreachable')), 'reachable')],
  [['finished'], onResult(asyncFlag('finished'), 'finished')],
  [['started'], onResult(asyncFlag('started'), 'started')],
  [['match'], regexTest('match')],
  [['search'], regexTest('search')],
  [['regex'], regexTest()],
  [
    ['version', 'version_compare'],
    {
      signature: { params: ['version', 'operator'], required: 1, keywordOnly: ['version_type'] },
      check: (value, args) =>
        compareVersions(value, args.values.get('version'), args.values.get('operator') ?? 'eq', args.values.get('version_type')),
    },
  ],
];

/**
 * Every test by name: aliases, the symbol names select() and friends use ('==', '<'...), and each name also
 * under `ansible.builtin.`. A Map, so names like 'constructor' are simply absent.
 */
export const TESTS: ReadonlyMap<string, TestSpec> = new Map(
  [...entries, ...VALUE_TESTS, ...FILE_TESTS].flatMap(([names, spec]) =>
    names.flatMap((name) => [[name, spec] as const, [`ansible.builtin.${name}`, spec] as const]),
  ),
);
