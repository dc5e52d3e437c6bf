// `npm run mutation [-- GROUP...]`: run Stryker over each group of
// scripts/mutation-groups.mjs in turn (all of them by default), one at a
// time so a 2-core machine stays usable. Reports land in reports/mutation/.
// $PARE_MUTATION_CONCURRENCY sets Stryker's concurrency (default 2);
// $PARE_MUTATE (comma-separated globs) narrows a group to some of its files.
import { spawnSync } from 'node:child_process';
import { groups } from './mutation-groups.mjs';

const names = process.argv.slice(2);
for (const n of names) {
  if (!groups[n]) {
    console.error(`unknown group ${n}; groups: ${Object.keys(groups).join(', ')}`);
    process.exit(1);
  }
}
let failed = false;
for (const name of names.length > 0 ? names : Object.keys(groups)) {
  console.log(`\n== mutation group ${name}: ${groups[name].mutate.join(' ')}`);
  const r = spawnSync('npx', ['stryker', 'run', 'scripts/stryker.config.mjs'], {
    stdio: 'inherit',
    env: { ...process.env, PARE_MUTATION_GROUP: name },
  });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
