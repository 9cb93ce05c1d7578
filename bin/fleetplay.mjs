#!/usr/bin/env node
// The `fleetplay` command, in this one Node process: an installed package (npm pack runs engine/dist.ts)
// starts from its prebuilt dist/main.mjs; a checkout without dist/ loads tsx's loader in-process and
// starts engine/index.ts, as `npx tsx engine` does.
import { existsSync } from 'node:fs';

const dist = new URL('../dist/main.mjs', import.meta.url);
if (existsSync(dist) && process.env.FLEETPLAY_BUNDLE !== '0') {
  await import(dist.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../engine/index.ts', import.meta.url).href);
}
