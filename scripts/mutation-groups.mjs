// The code that guards users, in groups that `npm run mutation` runs one at a
// time: the files Stryker mutates and the test files (under test/, without
// .test.ts) each mutant is run against, fastest and most specific first (a
// run stops at the first failing test). docs/MUTATION.md records the scores.
export const groups = {
  path: {
    mutate: ['src/tree/path.ts'],
    tests: ['tree/path', 'tree/tree', 'tree/paths', 'tree/tar-read', 'sources/debian/deb'],
  },
  check: {
    mutate: ['src/distroless/check.ts'],
    tests: ['distroless/check-rules', 'distroless/check'],
  },
  lock: {
    mutate: ['src/resolve/lock.ts', 'src/resolve/lock-file.ts', 'src/resolve/lock-diff.ts'],
    tests: ['resolve/lock-parse', 'resolve/lock', 'pipeline/lock', 'pipeline/update'],
  },
  cache: {
    mutate: ['src/fetch/cache.ts', 'src/fetch/spool.ts'],
    tests: ['fetch/cache-keys', 'fetch/spool', 'fetch/cache', 'fetch/fetch', 'pipeline/disk-faults'],
  },
  'hash-chain': {
    mutate: [
      'src/sources/debian/release.ts',
      'src/sources/debian/release-history.ts',
      'src/sources/debian/repository.ts',
      'src/fetch/fetch.ts',
    ],
    tests: ['sources/debian/release', 'fetch/fetch', 'pipeline/hostile-repository', 'pipeline/hostile-mirror'],
  },
  openpgp: {
    mutate: ['src/sources/debian/openpgp/*.ts'],
    tests: [
      'sources/debian/openpgp/armor',
      'sources/debian/openpgp/cleartext',
      'sources/debian/openpgp/debian',
      'sources/debian/openpgp/findings',
      'sources/debian/openpgp/handmade',
      'sources/debian/openpgp/keyring',
      'sources/debian/openpgp/packets',
      'sources/debian/openpgp/verify',
      'sources/debian/openpgp/differential',
    ],
  },
  sign: {
    mutate: ['src/supply/sign/*.ts'],
    tests: ['supply/bundle', 'supply/secretbox', 'supply/sign', 'supply/secretbox-differential', 'supply/cosign'],
  },
};
