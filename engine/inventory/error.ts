// Builds inventory errors that point at the offending line and column of their source file.
import { FleetError, excerptAt } from '../errors.ts';
import type { SourceLocation } from '../types.ts';
import type { YamlFile } from '../yaml/load.ts';

/** Where an inventory problem sits: its location plus the source excerpt to show. */
export interface ErrorSite {
  location: SourceLocation;
  excerpt: string;
}

/** A FleetError of kind 'inventory', located at `site` when one is known. */
export function inventoryError(message: string, site?: ErrorSite): FleetError {
  return new FleetError('inventory', message, site ? { location: site.location, excerpt: site.excerpt } : {});
}

/** The site of a 1-based line/column inside plain text (INI files, limit files). */
export function siteInText(file: string, source: string, line: number, column: number): ErrorSite {
  return { location: { file, line, column }, excerpt: excerptAt(source, line, column) };
}

/** The site of the node at `path` inside a parsed YAML file. */
export function siteInYaml(yaml: YamlFile, path: ReadonlyArray<string | number>, which: 'key' | 'value' = 'value'): ErrorSite {
  const location = yaml.locate(path, which);
  return { location, excerpt: yaml.excerpt(location) };
}
