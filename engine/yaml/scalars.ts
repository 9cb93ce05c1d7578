// Plain-scalar typing exactly as PyYAML's YAML 1.1 resolver (which Ansible uses): bools, nulls, ints, floats.
import { Scalar, type ScalarTag, type Tags } from 'yaml';

const BOOL = 'tag:yaml.org,2002:bool';
const INT = 'tag:yaml.org,2002:int';
const FLOAT = 'tag:yaml.org,2002:float';
const NULL = 'tag:yaml.org,2002:null';
const TIMESTAMP = 'tag:yaml.org,2002:timestamp';
const REPLACED = new Set([BOOL, INT, FLOAT, NULL, TIMESTAMP]);

// PyYAML resolver.py, verbatim: no y/n booleans, no 0o octal, `1e3` is a string (floats need a dot and a signed
// exponent), `.5` is a float but `-.5` a string, `1:30` is sexagesimal 90, `08` is a string.
const BOOL_TRUE = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
const BOOL_FALSE = /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/;
const NULL_TEST = /^(?:~|null|Null|NULL|)$/;
const INT_TEST = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const FLOAT_TEST =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

/** PyYAML's construct_yaml_int; text it cannot convert (such as `0b_`) stays text. */
export function pyInt(text: string): number | string {
  let value = text.replace(/_/g, '');
  const sign = value.startsWith('-') ? -1 : 1;
  if (value.startsWith('-') || value.startsWith('+')) value = value.slice(1);
  let n: number;
  if (value === '0') n = 0;
  else if (value.startsWith('0b')) n = value.length > 2 ? parseInt(value.slice(2), 2) : NaN;
  else if (value.startsWith('0x')) n = value.length > 2 ? parseInt(value.slice(2), 16) : NaN;
  else if (value.startsWith('0')) n = parseInt(value, 8);
  else if (value.includes(':')) n = sexagesimal(value);
  else n = Number(value);
  // `|| 0`: Python ints have no negative zero.
  return Number.isNaN(n) ? text : sign * n || 0;
}

/** PyYAML's construct_yaml_float; text it cannot convert (such as `._`) stays text. */
export function pyFloat(text: string): number | string {
  let value = text.replace(/_/g, '').toLowerCase();
  const sign = value.startsWith('-') ? -1 : 1;
  if (value.startsWith('-') || value.startsWith('+')) value = value.slice(1);
  if (value === '.inf') return sign * Infinity;
  if (value === '.nan') return NaN;
  const n = value.includes(':') ? sexagesimal(value) : value === '.' || value === '' ? NaN : Number(value);
  return Number.isNaN(n) ? text : sign * n;
}

// Base-60 digits such as 190:20:30.
function sexagesimal(value: string): number {
  return value.split(':').reduce((total, part) => total * 60 + Number(part), 0);
}

const scalarTag = (tag: string, test: RegExp, resolve: (text: string) => unknown, identify: (v: unknown) => boolean): ScalarTag => ({
  tag,
  test,
  default: true,
  identify,
  resolve: (text) => new Scalar(resolve(text)),
});

/** The yaml package's YAML 1.1 tags with bool/null/int/float replaced by PyYAML's, and timestamps left as text. */
export function pyTags(tags: Tags): Tags {
  return [
    ...tags.filter((t) => !REPLACED.has((t as ScalarTag).tag)),
    scalarTag(
      BOOL,
      BOOL_TRUE,
      () => true,
      (v) => v === true,
    ),
    scalarTag(
      BOOL,
      BOOL_FALSE,
      () => false,
      (v) => v === false,
    ),
    scalarTag(
      NULL,
      NULL_TEST,
      () => null,
      (v) => v === null,
    ),
    scalarTag(INT, INT_TEST, pyInt, (v) => typeof v === 'number' && Number.isInteger(v)),
    scalarTag(FLOAT, FLOAT_TEST, pyFloat, (v) => typeof v === 'number'),
  ];
}
