#!/usr/bin/env node
// The bundled CLI (one file, built by `npm run build`) when present, else the compiled modules.
import { existsSync } from 'node:fs';
const bundle = new URL('../dist/cli/pare.js', import.meta.url);
const { main } = await import(existsSync(bundle) ? bundle.href : '../dist/src/cli/main.js');
process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
