#!/usr/bin/env node
// `pare --version` answers from package.json without loading the CLI (the
// version is src/version.ts's VERSION; a test keeps the two equal). Every
// other command loads the bundled CLI (one file, built by `npm run build`)
// when present, else the compiled modules.
import { existsSync, readFileSync } from 'node:fs';
const argv = process.argv.slice(2);
if (argv[0] === '--version' || argv[0] === 'version') {
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`pare ${version}\n`);
} else {
  const bundle = new URL('../dist/cli/pare.js', import.meta.url);
  const { main } = await import(existsSync(bundle) ? bundle.href : '../dist/src/cli/main.js');
  process.exitCode = await main(argv, {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  });
}
