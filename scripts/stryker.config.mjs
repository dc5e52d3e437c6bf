// Stryker configuration for `npm run mutation` (scripts/mutation.mjs picks the
// group through $PARE_MUTATION_GROUP). Mutants are compiled once: Stryker
// writes every mutant of a group into the sandbox's sources at once (mutant
// schemata), `buildCommand` runs tsc a single time, and each mutant is then
// only a run of the group's test files in one process, stopping at the first
// failure (scripts/mutation-tests.mjs), with __STRYKER_ACTIVE_MUTANT__ set
// (the command runner passes it). The
// TypeScript checker drops mutants that do not compile before any test runs.
import { groups } from './mutation-groups.mjs';

const name = process.env.PARE_MUTATION_GROUP ?? '';
const group = groups[name];
if (!group) throw new Error(`PARE_MUTATION_GROUP must be one of: ${Object.keys(groups).join(', ')}`);

export default {
  packageManager: 'npm',
  // $PARE_MUTATE (comma-separated globs) narrows a group to some of its files.
  mutate: process.env.PARE_MUTATE ? process.env.PARE_MUTATE.split(',') : group.mutate,
  testRunner: 'command',
  commandRunner: {
    command: `node --test-reporter=./scripts/mutation-bail.mjs scripts/mutation-tests.mjs ${group.tests.map((t) => `dist/test/${t}.test.js`).join(' ')}`,
  },
  // tsc (no bundle): the group tests import dist/src; the CLI they spawn runs
  // dist/src/cli when dist/cli/pare.js is missing.
  buildCommand: 'npx tsc -p tsconfig.json',
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'off',
  concurrency: Number(process.env.PARE_MUTATION_CONCURRENCY ?? 2),
  timeoutMS: 8000,
  timeoutFactor: 2,
  ignorePatterns: ['dist', '.fuzz', 'out', '.cache', 'reports', 'coverage', '*.tgz', '.stryker-tmp'],
  incremental: false,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: true, reportScoreTable: true },
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
