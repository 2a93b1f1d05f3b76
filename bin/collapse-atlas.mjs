#!/usr/bin/env node
// Launcher of the batch CLI (src/cli/main.ts): TypeScript runs through tsx's loader, and `?raw`
// shader imports through scripts/raw-loader.mjs (registered after tsx, so it sees them first).
// No build step, so `npx collapse-atlas` works in a fresh clone right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
await import('../scripts/raw-loader.mjs');
const { main, installSignalHandlers } = await import('../src/cli/main.ts');
installSignalHandlers();
process.exitCode = await main(process.argv);
