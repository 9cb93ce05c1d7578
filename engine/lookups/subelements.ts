// lookup('subelements', users, 'keys') and with_subelements: [parent, child] for each child in each parent's
// list `key` (a dotted path reaches into nested mappings). As Ansible, the parent in a pair no longer holds
// the list; an optional third term {skip_missing: true} skips parents without it; skipped results are left out.
import { problem } from '../expr/error.ts';
import { isMapping, mappingKeys, ownValue, reprText } from '../expr/values.ts';
import { booleanOption, type LookupPlugin } from './types.ts';

type Mapping = Record<string, unknown>;

function termsError(detail = ''): never {
  return problem(`subelements lookup expects a list of two or three items, ${detail}`);
}

/** subelements: the [parent, child] pairs. */
export const subelementsLookup: LookupPlugin = {
  options: [],
  run(terms) {
    if (terms.length < 2 || terms.length > 3) termsError();
    const [source, key, flags = {}] = terms;
    if (!(Array.isArray(source) || isMapping(source)) || typeof key !== 'string')
      termsError('first a dict or a list, second a string pointing to the subkey');
    if (!isMapping(flags) || mappingKeys(flags).some((k) => k !== 'skip_missing'))
      termsError("the optional third item must be a dict with flags ['skip_missing']");
    if (isMapping(source) && ownValue(source, 'skipped') !== undefined && ownValue(source, 'skipped') !== false) return [];
    const parents = Array.isArray(source) ? source : mappingKeys(source as Mapping).map((k) => ownValue(source as Mapping, k));
    const skipMissing =
      ownValue(flags, 'skip_missing') === undefined ? false : booleanOption(ownValue(flags, 'skip_missing'), 'skip_missing');
    const path = (key as string).split('.');
    const out: unknown[] = [];
    for (const parent of parents) {
      if (!isMapping(parent)) return problem(`subelements lookup expects a dictionary, got '${reprText(parent)}'`);
      if (ownValue(parent, 'skipped') !== undefined && ownValue(parent, 'skipped') !== false) continue;
      const taken = take(parent, path, skipMissing);
      if (!taken) continue;
      for (const child of taken.list) out.push([taken.parent, child]);
    }
    return out;
  },
};

// The list at `path` and a copy of `parent` without it (Ansible pops it), or undefined to skip the parent.
function take(parent: Mapping, path: string[], skipMissing: boolean): { parent: Mapping; list: unknown[] } | undefined {
  const [head, ...rest] = path as [string, ...string[]];
  if (!Object.hasOwn(parent, head) || ownValue(parent, head) === undefined) {
    if (skipMissing) return undefined;
    return problem(`could not find '${head}' key in iterated item '${reprText(parent)}'`);
  }
  const value = ownValue(parent, head);
  if (rest.length > 0) {
    if (!isMapping(value)) {
      if (skipMissing) return undefined;
      return problem(`the key ${head} should point to a dictionary, got '${reprText(value)}'`);
    }
    const inner = take(value, rest, skipMissing);
    return inner && { parent: { ...copy(parent), [head]: inner.parent }, list: inner.list };
  }
  if (!Array.isArray(value)) return problem(`the key ${head} should point to a list, got '${reprText(value)}'`);
  const without = copy(parent);
  delete without[head];
  return { parent: without, list: value };
}

function copy(mapping: Mapping): Mapping {
  const out: Mapping = {};
  for (const k of mappingKeys(mapping))
    Object.defineProperty(out, k, { value: ownValue(mapping, k), enumerable: true, writable: true, configurable: true });
  return out;
}
