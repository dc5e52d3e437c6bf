// The test command of `npm run mutation`, run once per mutant: imports the
// given compiled test files into this one process (no process per file) so
// node:test runs them together, and scripts/mutation-bail.mjs, the reporter,
// exits 1 at the first failing test — a killed mutant costs only the tests up
// to the first one that notices it. Exit 0 means every test passed.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

for (const file of process.argv.slice(2)) await import(pathToFileURL(resolve(file)).href);
