// `engine schema playbook|tasks|inventory [--output FILE]`: the JSON Schema editors use for completion and
// red squiggles, generated from the schemas `validate` checks with (engine/schema/editorSchema.ts).
import { moduleRegistry } from '../../modules/index.ts';
import { FleetError } from '../errors.ts';
import { writeFileAtomic } from '../output/atomicFile.ts';
import { editorSchema, SCHEMA_KINDS, type SchemaKind } from '../schema/editorSchema.ts';
import { parseCommand, str, type OptionSpec } from './args.ts';

const options: OptionSpec = { output: { type: 'string', short: 'o' } };

/** Help text of `schema`. */
export const schemaHelp = `Usage: engine schema playbook|tasks|inventory [-o FILE]

Writes the JSON Schema of a playbook, a task file or a YAML inventory (to stdout, or to FILE), for editors:
every keyword and every module with its arguments and aliases, as \`engine validate\` checks them.
The repository ships them in schemas/ (see docs/editors.md).`;

/** The schema text of `kind`, as the repository ships it. */
export function schemaText(kind: SchemaKind): string {
  return `${JSON.stringify(editorSchema(kind, moduleRegistry.definitions()), null, 2)}\n`;
}

/** Runs `engine schema`; returns the exit code. */
export async function schemaCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const p = parseCommand(argv, options);
  if (p.values.help) {
    out(`${schemaHelp}\n`);
    return 0;
  }
  const [kind, ...extra] = p.positionals;
  if (!kind || extra.length || !SCHEMA_KINDS.includes(kind as SchemaKind))
    throw new FleetError('arguments', `usage: engine schema ${SCHEMA_KINDS.join('|')} [-o FILE]`);
  const text = schemaText(kind as SchemaKind);
  const file = str(p, 'output');
  if (file) writeFileAtomic(file, text, { createDir: false, mode: 0o644 });
  else out(text);
  return 0;
}
