// Reads Ansible's INI inventory format: [group], [group:children] and [group:vars] sections of host lines.
import type { InventoryBuilder } from './builder.ts';
import { inventoryError, siteInText, type ErrorSite } from './error.ts';
import { expandHostPattern } from './host-pattern.ts';
import { iniValue } from './python-literal.ts';
import { shellSplit } from '../shlex.ts';

// `[name]` or `[name:kind]`, optionally followed by a `#` comment (same syntax Ansible accepts).
const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:#.*)?$/;

type SectionKind = 'hosts' | 'children' | 'vars';

// A group that was referenced before any section declared it; Ansible checks these at the end of the file.
interface PendingGroup {
  kind: 'children' | 'vars';
  parent: string;
  site: ErrorSite;
}

/** Options of parseIniInventory. */
export interface IniOptions {
  /** Called with every variable value read (used to register the values of a vault-encrypted file as secrets). */
  onValue?: (value: unknown) => void;
}

// A variable name as Ansible would accept it later: no whitespace (Ansible keeps `ghost ansible_host` as one
// name, which no template can ever use: the line is a host line in the wrong section).
const VAR_NAME = /^[^\s=]+$/;

/** Parses the INI inventory text of `file` into `builder`; errors carry file:line:column. */
export function parseIniInventory(source: string, file: string, builder: InventoryBuilder, options: IniOptions = {}): void {
  const seen = options.onValue ?? (() => undefined);
  const lines = source.split(/\r\n|\r|\n/);
  const pending = new Map<string, PendingGroup>();
  const pendingChildren = new Map<string, string[]>();
  let group = 'ungrouped';
  let kind: SectionKind = 'hosts';

  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const indent = raw.length - raw.trimStart().length;
    const site = (offset: number): ErrorSite => siteInText(file, source, index + 1, indent + offset + 1);

    const section = SECTION.exec(line);
    if (section) {
      const name = section[1] ?? '';
      const declared = section[2] ?? 'hosts';
      if (declared !== 'hosts' && declared !== 'children' && declared !== 'vars') {
        throw inventoryError(
          `section [${name}:${declared}] has unknown type '${declared}' (expected children or vars)`,
          site(name.length + 2),
        );
      }
      if (!builder.hasGroup(name)) {
        // [g:vars] alone does not declare g; Ansible accepts it only if [g] or [g:children] appears too.
        if (declared === 'vars' && !pending.has(name)) pending.set(name, { kind: 'vars', parent: name, site: site(0) });
        builder.addGroup(name);
      }
      if (declared !== 'vars' && pending.has(name)) {
        for (const parent of pendingChildren.get(name) ?? []) builder.addChild(parent, name, site(0));
        pending.delete(name);
        pendingChildren.delete(name);
      }
      group = name;
      kind = declared;
      return;
    }
    // Like Ansible, only a bracketed line is a broken header; `[fe80::1]:22` is an IPv6 host with a port.
    if (line.startsWith('[') && line.endsWith(']')) {
      throw inventoryError(`invalid section header '${line}': expected [group], [group:children] or [group:vars] without spaces`, site(0));
    }

    switch (kind) {
      case 'hosts':
        parseHostLine(line, group, builder, site, seen);
        return;
      case 'vars': {
        const eq = line.indexOf('=');
        if (eq === -1) throw inventoryError(`expected key=value in [${group}:vars], got '${line}'`, site(0));
        const key = line.slice(0, eq).trim();
        if (key === '') throw inventoryError(`missing variable name before '=' in [${group}:vars]`, site(0));
        if (!VAR_NAME.test(key)) {
          throw inventoryError(
            `expected key=value in [${group}:vars], got '${line}': '${key}' is not a variable name (a host line belongs in [${group}])`,
            site(0),
          );
        }
        const value = iniValue(line.slice(eq + 1).trim());
        seen(value);
        builder.setGroupVar(group, key, value, site(0));
        return;
      }
      case 'children': {
        const child = GROUP_NAME.exec(line)?.[1];
        if (child === undefined) throw inventoryError(`expected a group name in [${group}:children], got '${line}'`, site(0));
        if (builder.hasGroup(child) && !pendingChildren.has(child)) {
          builder.addChild(group, child, site(0));
          return;
        }
        if (!pending.has(child)) pending.set(child, { kind: 'children', parent: group, site: site(0) });
        pendingChildren.set(child, [...(pendingChildren.get(child) ?? []), group]);
        return;
      }
    }
  });

  for (const [name, decl] of pending) {
    throw decl.kind === 'vars'
      ? inventoryError(`section [${name}:vars] is for group '${name}', which is never declared`, decl.site)
      : inventoryError(`section [${decl.parent}:children] includes group '${name}', which is never declared`, decl.site);
  }
}

function parseHostLine(
  line: string,
  group: string,
  builder: InventoryBuilder,
  site: (offset: number) => ErrorSite,
  seen: (value: unknown) => void,
): void {
  const split = shellSplit(line);
  if ('error' in split) throw inventoryError(`cannot parse host line: ${split.error.message}`, site(split.error.offset));
  const [first, ...rest] = split.words;
  if (!first) return;
  const expansion = expandHostPattern(first.text);
  if ('error' in expansion) throw inventoryError(expansion.error, site(first.offset));

  const vars: Array<[string, unknown, ErrorSite]> = [];
  for (const word of rest) {
    const eq = word.text.indexOf('=');
    if (eq === -1) throw inventoryError(`expected key=value host variable, got '${word.text}'`, site(word.offset));
    if (eq === 0) throw inventoryError(`missing variable name before '=' in '${word.text}'`, site(word.offset));
    const value = iniValue(word.text.slice(eq + 1));
    seen(value);
    vars.push([word.text.slice(0, eq), value, site(word.offset)]);
  }
  for (const host of expansion.hosts) {
    builder.addHost(host, group);
    if (expansion.port !== undefined) builder.setHostVar(host, 'ansible_port', expansion.port, site(first.offset));
    for (const [key, value, at] of vars) builder.setHostVar(host, key, structuredClone(value), at);
  }
}
