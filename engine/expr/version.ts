// Version comparison for the `version` test: Ansible's loose ordering by default, or semantic versioning.
import { problem } from './error.ts';

type Component = number | string;

const OPERATORS: ReadonlyMap<string, (order: number) => boolean> = new Map([
  ['<', (o: number) => o < 0],
  ['lt', (o: number) => o < 0],
  ['<=', (o: number) => o <= 0],
  ['le', (o: number) => o <= 0],
  ['>', (o: number) => o > 0],
  ['gt', (o: number) => o > 0],
  ['>=', (o: number) => o >= 0],
  ['ge', (o: number) => o >= 0],
  ['==', (o: number) => o === 0],
  ['=', (o: number) => o === 0],
  ['eq', (o: number) => o === 0],
  ['!=', (o: number) => o !== 0],
  ['<>', (o: number) => o !== 0],
  ['ne', (o: number) => o !== 0],
]);

const SEMVER = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/** Compares two versions with an operator such as '>=' or 'ge'; `type` is 'loose' (default) or 'semver'. */
export function compareVersions(left: unknown, right: unknown, operator: unknown, type: unknown): boolean {
  const test = typeof operator === 'string' ? OPERATORS.get(operator) : undefined;
  if (!test) return problem(`invalid version operator ${JSON.stringify(operator)}`);
  if (typeof left !== 'string' && typeof left !== 'number') return problem(`a version must be a string, not ${typeof left}`);
  if (typeof right !== 'string' && typeof right !== 'number') return problem(`a version must be a string, not ${typeof right}`);
  if (type === undefined || type === null || type === 'loose')
    return test(compareLists(looseParts(String(left)), looseParts(String(right))));
  if (type === 'semver' || type === 'semantic') return test(compareSemver(String(left), String(right)));
  return problem(`unsupported version_type ${JSON.stringify(type)}; use 'loose' or 'semver'`);
}

/** Ansible's loose order of two versions (negative, zero, positive): 1.7 < 1.7.0 < 1.7.24 < 2.0. */
export function compareLoose(left: string, right: string): number {
  return compareLists(looseParts(left), looseParts(right));
}

/** distutils' LooseVersion split: runs of digits become numbers, runs of letters and other characters strings. */
function looseParts(version: string): Component[] {
  return version
    .split(/(\d+|[a-zA-Z]+|\.)/)
    .filter((part) => part !== '' && part !== '.')
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

// A string part (e.g. 'rc') sorts before a number part, so 1.0rc1 < 1.0.1.
function compareParts(a: Component, b: Component): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return 1;
  if (typeof b === 'number') return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareLists(a: Component[], b: Component[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const order = compareParts(a[i] ?? '', b[i] ?? '');
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

function compareSemver(left: string, right: string): number {
  const a = SEMVER.exec(left);
  const b = SEMVER.exec(right);
  if (!a) return problem(`${JSON.stringify(left)} is not a semantic version`);
  if (!b) return problem(`${JSON.stringify(right)} is not a semantic version`);
  for (let i = 1; i <= 3; i++) {
    const order = Number(a[i]) - Number(b[i]);
    if (order !== 0) return order;
  }
  const preA = a[4];
  const preB = b[4];
  if (preA === undefined || preB === undefined) return (preA === undefined ? 1 : 0) - (preB === undefined ? 1 : 0);
  return comparePrerelease(preA.split('.'), preB.split('.'));
}

// Semver pre-release identifiers: numeric ones compare numerically and sort before alphanumeric ones.
function comparePrerelease(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    const xNum = /^\d+$/.test(x);
    const yNum = /^\d+$/.test(y);
    const order = xNum && yNum ? Number(x) - Number(y) : xNum ? -1 : yNum ? 1 : x < y ? -1 : x > y ? 1 : 0;
    if (order !== 0) return order;
  }
  return a.length - b.length;
}
