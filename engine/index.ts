// fleetplay's command line: `npx tsx engine <command>` (or the `fleetplay` bin). The engine itself is
// engine/main.ts; it is started from a bundle of its sources when one is current (engine/bundle.ts),
// which halves start-up, and from the sources otherwise.
import './memory.ts';
import { pathToFileURL } from 'node:url';
import { bundleEntry } from './bundle.ts';

const entry = await bundleEntry();
let started = false;
if (entry) {
  try {
    // Stack traces of internal errors then name the source files and lines, not the bundle's.
    process.setSourceMapsEnabled(true);
    await import(pathToFileURL(entry).href);
    started = true;
  } catch {
    // A bundle that cannot be loaded: run from the sources instead.
  }
}
if (!started) await import('./main.ts');
