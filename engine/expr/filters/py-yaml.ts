// PyYAML's emitter (yaml.dump with SafeDumper, allow_unicode, sort_keys) ported for plain data, so that
// to_yaml and to_nice_yaml write byte for byte what Ansible writes: the same quoting, indentation ("-   key"
// with indent=4), flow style for collections of scalars (to_yaml) and line folding at 80 columns.
import { problem } from '../error.ts';
import { isMapping, mappingKeys, MAX_VALUE_LENGTH, ownValue } from '../values.ts';
import { analyzeScalar, doubleQuotedEscape, printable, resolvesToString, scalarText } from './py-yaml-scalar.ts';

/** yaml.dump's options that the filters pass. */
export interface DumpOptions {
  indent: number;
  width: number;
  sortKeys: boolean;
  /** PyYAML's default_flow_style: true (all flow), false (all block) or null (flow for collections of scalars). */
  flowStyle: boolean | null;
}

const MAX_DEPTH = 100;
const BREAKS = '\n\x85\u2028\u2029';

type Context = { root: boolean; mapping: boolean; simpleKey: boolean };

/** yaml.dump(value) as Ansible's to_yaml / to_nice_yaml call it. */
export function pyYamlDump(value: unknown, options: DumpOptions): string {
  const emitter = new Emitter(options);
  emitter.node(value, { root: true, mapping: false, simpleKey: false }, 0);
  emitter.writeIndent();
  return emitter.text();
}

class Emitter {
  private readonly out: string[] = [];
  private length = 0;
  private column = 0;
  private whitespace = true;
  private indention = true;
  private indent: number | null = null;
  private readonly indents: Array<number | null> = [];
  private flowLevel = 0;

  constructor(private readonly options: DumpOptions) {}

  text(): string {
    return this.out.join('');
  }

  private write(data: string): void {
    this.length += data.length;
    if (this.length > MAX_VALUE_LENGTH) problem(`the YAML text would be longer than ${MAX_VALUE_LENGTH} characters`);
    this.out.push(data);
  }

  private increaseIndent(flow: boolean, indentless = false): void {
    this.indents.push(this.indent);
    if (this.indent === null) this.indent = flow ? this.options.indent : 0;
    else if (!indentless) this.indent += this.options.indent;
  }

  private writeIndicator(indicator: string, needWhitespace: boolean, whitespace = false, indention = false): void {
    const data = this.whitespace || !needWhitespace ? indicator : ` ${indicator}`;
    this.whitespace = whitespace;
    this.indention = this.indention && indention;
    this.column += data.length;
    this.write(data);
  }

  /** A line break when needed, then spaces up to the current indentation. */
  writeIndent(): void {
    const indent = this.indent ?? 0;
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.writeLineBreak();
    if (this.column < indent) {
      this.whitespace = true;
      this.write(' '.repeat(indent - this.column));
      this.column = indent;
    }
  }

  private writeLineBreak(data = '\n'): void {
    this.whitespace = true;
    this.indention = true;
    this.column = 0;
    this.write(data);
  }

  node(value: unknown, context: Context, depth: number): void {
    if (depth > MAX_DEPTH) problem('value is nested too deeply to convert to YAML');
    if (Array.isArray(value)) this.sequence(value, context, depth);
    else if (isMapping(value)) this.mapping(value, context, depth);
    else this.scalarNode(value, context);
  }

  private scalarNode(value: unknown, context: Context): void {
    this.increaseIndent(true);
    this.scalar(value, context);
    this.indent = this.indents.pop() ?? null;
  }

  private flow(items: readonly unknown[], nested: readonly unknown[]): boolean {
    if (this.flowLevel > 0 || items.length === 0) return true;
    if (this.options.flowStyle !== null) return this.options.flowStyle;
    return nested.every((item) => !Array.isArray(item) && !isMapping(item));
  }

  private sequence(items: readonly unknown[], context: Context, depth: number): void {
    if (this.flow(items, items)) {
      this.writeIndicator('[', true, true);
      this.flowLevel++;
      this.increaseIndent(true);
      items.forEach((item, i) => {
        if (i > 0) this.writeIndicator(',', false);
        if (this.column > this.options.width) this.writeIndent();
        this.node(item, { root: false, mapping: false, simpleKey: false }, depth + 1);
      });
      this.indent = this.indents.pop() ?? null;
      this.flowLevel--;
      this.writeIndicator(']', false);
      return;
    }
    this.increaseIndent(false, context.mapping && !this.indention);
    for (const item of items) {
      this.writeIndent();
      this.writeIndicator('-', true, false, true);
      this.node(item, { root: false, mapping: false, simpleKey: false }, depth + 1);
    }
    this.indent = this.indents.pop() ?? null;
  }

  private mapping(mapping: Record<string, unknown>, _context: Context, depth: number): void {
    const keys = mappingKeys(mapping);
    if (this.options.sortKeys) keys.sort();
    const values = keys.map((key) => ownValue(mapping, key));
    const asKey: Context = { root: false, mapping: true, simpleKey: true };
    const asValue: Context = { root: false, mapping: true, simpleKey: false };
    if (this.flow(keys, values)) {
      this.writeIndicator('{', true, true);
      this.flowLevel++;
      this.increaseIndent(true);
      keys.forEach((key, i) => {
        if (i > 0) this.writeIndicator(',', false);
        if (this.column > this.options.width) this.writeIndent();
        if (this.simpleKey(key)) {
          this.node(key, asKey, depth + 1);
          this.writeIndicator(':', false);
        } else {
          this.writeIndicator('?', true);
          this.node(key, asValue, depth + 1);
          if (this.column > this.options.width) this.writeIndent();
          this.writeIndicator(':', true);
        }
        this.node(values[i], asValue, depth + 1);
      });
      this.indent = this.indents.pop() ?? null;
      this.flowLevel--;
      this.writeIndicator('}', false);
      return;
    }
    this.increaseIndent(false);
    keys.forEach((key, i) => {
      this.writeIndent();
      if (this.simpleKey(key)) {
        this.node(key, asKey, depth + 1);
        this.writeIndicator(':', false);
      } else {
        this.writeIndicator('?', true, false, true);
        this.node(key, asValue, depth + 1);
        this.writeIndent();
        this.writeIndicator(':', true, false, true);
      }
      this.node(values[i], asValue, depth + 1);
    });
    this.indent = this.indents.pop() ?? null;
  }

  // PyYAML's check_simple_key for a string key: shorter than 128 characters and on one line.
  private simpleKey(key: string): boolean {
    return key.length < 128 && !/[\n\x85\u2028\u2029]/.test(key);
  }

  private scalar(value: unknown, context: Context): void {
    const split = !context.simpleKey;
    if (typeof value !== 'string') {
      this.writePlain(scalarText(value), split);
      return;
    }
    // PyYAML's choose_scalar_style: plain when it reads back as this string, else single, else double quotes.
    const analysis = analyzeScalar(value);
    const plainKey = !(context.simpleKey && (analysis.empty || analysis.multiline));
    if (resolvesToString(value) && plainKey && (this.flowLevel > 0 ? analysis.allowFlowPlain : analysis.allowBlockPlain)) {
      this.writePlain(value, split);
    } else if (analysis.allowSingleQuoted && !(context.simpleKey && analysis.multiline)) {
      this.writeSingleQuoted(value, split);
    } else {
      this.writeDoubleQuoted(value, split);
    }
  }

  private writePlain(text: string, split: boolean): void {
    if (!text) return;
    if (!this.whitespace) {
      this.column += 1;
      this.write(' ');
    }
    this.whitespace = false;
    this.indention = false;
    let spaces = false;
    let start = 0;
    for (let end = 0; end <= text.length; end++) {
      const ch = text[end];
      if (spaces) {
        if (ch !== ' ') {
          if (start + 1 === end && this.column > this.options.width && split) {
            this.writeIndent();
            this.whitespace = false;
            this.indention = false;
          } else {
            this.column += end - start;
            this.write(text.slice(start, end));
          }
          start = end;
        }
      } else if (ch === undefined || ch === ' ' || BREAKS.includes(ch)) {
        this.column += end - start;
        this.write(text.slice(start, end));
        start = end;
      }
      if (ch !== undefined) spaces = ch === ' ';
    }
  }

  private writeSingleQuoted(text: string, split: boolean): void {
    this.writeIndicator("'", true);
    let spaces = false;
    let breaks = false;
    let start = 0;
    for (let end = 0; end <= text.length; end++) {
      const ch = text[end];
      if (spaces) {
        if (ch === undefined || ch !== ' ') {
          if (start + 1 === end && this.column > this.options.width && split && start !== 0 && end !== text.length) this.writeIndent();
          else {
            this.column += end - start;
            this.write(text.slice(start, end));
          }
          start = end;
        }
      } else if (breaks) {
        if (ch === undefined || !BREAKS.includes(ch)) {
          if (text[start] === '\n') this.writeLineBreak();
          for (const br of text.slice(start, end)) this.writeLineBreak(br === '\n' ? '\n' : br);
          this.writeIndent();
          start = end;
        }
      } else if ((ch === undefined || ch === ' ' || BREAKS.includes(ch) || ch === "'") && start < end) {
        this.column += end - start;
        this.write(text.slice(start, end));
        start = end;
      }
      if (ch === "'") {
        this.column += 2;
        this.write("''");
        start = end + 1;
      }
      if (ch !== undefined) {
        spaces = ch === ' ';
        breaks = BREAKS.includes(ch);
      }
    }
    this.writeIndicator("'", false);
  }

  private writeDoubleQuoted(value: string, split: boolean): void {
    this.writeIndicator('"', true);
    const text = Array.from(value);
    let start = 0;
    for (let end = 0; end <= text.length; end++) {
      const ch = text[end];
      if (ch === undefined || '"\\\x85\u2028\u2029\ufeff'.includes(ch) || !printable(ch)) {
        if (start < end) {
          const data = text.slice(start, end).join('');
          this.column += data.length;
          this.write(data);
          start = end;
        }
        if (ch !== undefined) {
          const data = doubleQuotedEscape(ch);
          this.column += data.length;
          this.write(data);
          start = end + 1;
        }
      }
      if (end > 0 && end < text.length - 1 && (ch === ' ' || start >= end) && this.column + (end - start) > this.options.width && split) {
        const data = `${text.slice(start, end).join('')}\\`;
        if (start < end) start = end;
        this.column += data.length;
        this.write(data);
        this.writeIndent();
        this.whitespace = false;
        this.indention = false;
        if (text[start] === ' ') {
          this.column += 1;
          this.write('\\');
        }
      }
    }
    this.writeIndicator('"', false);
  }
}
