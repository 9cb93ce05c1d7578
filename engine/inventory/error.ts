// Builds inventory errors that point at the offending line and column of their source file.
import { FleetError, excerptAt } from '../errors.ts';
import type { SourceLocation } from '../types.ts';
import type { YamlFile } from '../yaml/load.ts';

/** Where an inventory problem sits: its location plus the source excerpt to show. */
export interface ErrorSite {
  location: SourceLocation;
  excerpt: string;
}

const MAX_MESSAGE = 400;

/** A FleetError of kind 'inventory', located at `site` when one is known. */
export function inventoryError(message: string, site?: ErrorSite): FleetError {
  // Messages quote the offending text, which may be a 60 KiB line: the excerpt shows where it is anyway.
  const text = message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message;
  return new FleetError('inventory', text, site ? { location: site.location, excerpt: site.excerpt } : {});
}

// Sites are made for every line and variable but used only for the one that fails: the excerpt (and a YAML
// location) is computed on first use, else loading a big inventory would cost size × lines.

/** The site of a 1-based line/column inside plain text (INI files, limit files). */
export function siteInText(file: string, source: string, line: number, column: number): ErrorSite {
  return {
    location: { file, line, column },
    get excerpt() {
      return excerptAt(source, line, column);
    },
  };
}

/** The site of the node at `path` inside a parsed YAML file. */
export function siteInYaml(yaml: YamlFile, path: ReadonlyArray<string | number>, which: 'key' | 'value' = 'value'): ErrorSite {
  let location: ErrorSite['location'] | undefined;
  const at = (): ErrorSite['location'] => (location ??= yaml.locate(path, which));
  return {
    get location() {
      return at();
    },
    get excerpt() {
      return yaml.excerpt(at());
    },
  };
}
