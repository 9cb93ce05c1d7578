// A module's documentation, as `ansible-doc` gives it, written from the same schema `validate` checks:
// what it does, its names, and each argument with its type, choices, default, aliases and description.
// `engine doc MODULE` prints it as text; docs/modules/<name>.md holds it as Markdown.
import { MODULE_PREFIXES } from '../moduleRegistry.ts';
import type { ModuleDefinition } from '../types.ts';

type Schema = Record<string, unknown>;

/** One argument, described. */
export interface ArgumentDoc {
  name: string;
  type: string;
  required: boolean;
  choices?: string[];
  default?: string;
  aliases: string[];
  description?: string;
}

/** What a module's documentation says. */
export interface ModuleDoc {
  name: string;
  names: string[];
  summary: string;
  runsOn: 'controller' | 'host';
  freeForm: boolean;
  arguments: ArgumentDoc[];
  anyArgument: boolean;
  example: string;
}

/** The documentation of `m`. */
export function moduleDoc(m: ModuleDefinition): ModuleDoc {
  const schema = m.schema as Schema;
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const args = Object.entries(properties).map(([name, p]) => argumentDoc(name, p, required.has(name)));
  return {
    name: m.name,
    names: [m.name, ...(m.aliases ?? [])].flatMap((n) => ['', ...MODULE_PREFIXES].map((p) => p + n)),
    summary: m.summary ?? '',
    runsOn: m.runsOn,
    freeForm: m.freeFormKey !== undefined,
    arguments: args,
    anyArgument: schema.properties === undefined,
    example: example(m, args),
  };
}

function argumentDoc(name: string, p: Schema, required: boolean): ArgumentDoc {
  const doc: ArgumentDoc = { name, type: typeOf(p), required, aliases: Array.isArray(p.aliases) ? (p.aliases as string[]) : [] };
  const choices = choicesOf(p);
  if (choices) doc.choices = choices;
  if (p.default !== undefined) doc.default = JSON.stringify(p.default);
  if (typeof p.description === 'string') doc.description = p.description;
  return doc;
}

/** A type in words: `string`, `boolean`, `list of string`, `string or list`, … */
function typeOf(p: Schema): string {
  if (Array.isArray(p.enum)) return 'choice';
  if (typeof p.type === 'string') return p.type === 'array' ? `list${itemsOf(p)}` : p.type === 'object' ? 'mapping' : p.type;
  if (Array.isArray(p.type)) return (p.type as string[]).map((t) => (t === 'array' ? 'list' : t === 'object' ? 'mapping' : t)).join(' or ');
  const alts = (p.anyOf ?? p.oneOf) as Schema[] | undefined;
  if (Array.isArray(alts)) {
    const types = [...new Set(alts.map(typeOf))];
    return (types.length > 1 ? types.filter((t) => t !== 'any') : types).join(' or ');
  }
  return 'any';
}

function itemsOf(p: Schema): string {
  const items = p.items as Schema | undefined;
  return items && typeof items.type === 'string' ? ` of ${items.type}` : '';
}

function choicesOf(p: Schema): string[] | undefined {
  if (Array.isArray(p.enum)) return (p.enum as unknown[]).map((v) => JSON.stringify(v));
  const alts = (p.anyOf ?? p.oneOf) as Schema[] | undefined;
  const inner = Array.isArray(alts) ? alts.flatMap((a) => (Array.isArray(a.enum) ? (a.enum as unknown[]) : [])) : [];
  return inner.length ? inner.map((v) => JSON.stringify(v)) : undefined;
}

/** A skeleton task: the module under its ansible.builtin name with its required arguments. */
function example(m: ModuleDefinition, args: ArgumentDoc[]): string {
  const key = `ansible.builtin.${m.name}`;
  const needed = args.filter((a) => a.required);
  const lines = needed.map((a) => `    ${a.name}: ${a.choices?.[0] ?? `<${a.type}>`}`);
  const body = m.freeFormKey ? ` <command line>` : lines.length ? `\n${lines.join('\n')}` : ' {}';
  return `- name: ${m.summary?.replace(/\.$/, '') ?? m.name}\n  ${key}:${body}\n`;
}

/** The documentation as text for a terminal, as `ansible-doc MODULE` prints it. */
export function docText(d: ModuleDoc): string {
  const out = [`> ${d.name.toUpperCase()}    (runs on the ${d.runsOn})`, '', `  ${d.summary}`, '', `  Names: ${d.names.join(', ')}`];
  if (d.freeForm) out.push('  Takes a free-form command line (`shell: echo hi`).');
  out.push('', 'ARGUMENTS');
  if (d.anyArgument) out.push('  any variable name: the value to set');
  for (const a of d.arguments) {
    out.push(`  ${a.required ? '= ' : '- '}${a.name}${a.aliases.length ? `  (aliases: ${a.aliases.join(', ')})` : ''}`);
    if (a.description) out.push(`        ${a.description}`);
    const facts = [
      `type: ${a.type}`,
      ...(a.choices ? [`choices: ${a.choices.join(', ')}`] : []),
      ...(a.default ? [`default: ${a.default}`] : []),
    ];
    out.push(`        ${facts.join('; ')}`);
  }
  out.push(
    '',
    'EXAMPLE (the required arguments)',
    '',
    ...d.example
      .trimEnd()
      .split('\n')
      .map((l) => `  ${l}`),
    '',
  );
  return `${out.join('\n')}\n`;
}

/** The documentation as Markdown (docs/modules/<name>.md). */
export function docMarkdown(d: ModuleDoc): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rows = d.arguments.map(
    (a) =>
      `| \`${a.name}\`${a.required ? ' (required)' : ''} | ${cell(a.type)} | ${cell(a.choices?.join(', ') ?? '')} | ${cell(a.default ?? '')} | ${a.aliases.map((x) => `\`${x}\``).join(', ')} | ${cell(a.description ?? '')} |`,
  );
  return `# ${d.name}

${d.summary}

Runs on the ${d.runsOn}. Names: ${d.names.map((n) => `\`${n}\``).join(', ')}.${d.freeForm ? ' Takes a free-form command line.' : ''}

${
  d.anyArgument
    ? 'Arguments: any variable name, with the value to set.\n'
    : `| argument | type | choices | default | aliases | description |
| --- | --- | --- | --- | --- | --- |
${rows.join('\n')}
`
}
Example (the required arguments):

\`\`\`yaml
${d.example}\`\`\`

Generated by \`engine doc ${d.name} --markdown\` from the schema \`engine validate\` checks; do not edit.
`;
}
