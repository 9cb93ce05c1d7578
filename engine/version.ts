// The version of the package this engine belongs to, for `engine --version` and `engine run --version`.
import { readFileSync } from 'node:fs';

/** The version of the package this engine belongs to (its package.json). */
export function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The line both commands print. */
export function versionLine(): string {
  return `fleetplay ${version()} (Node ${process.versions.node})\n`;
}
