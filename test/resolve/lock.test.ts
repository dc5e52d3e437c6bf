/**
 * The lock's pure half: which config changes invalidate a lock (README:
 * repositories, keyrings, packages, exclusions and archs are pinned; the
 * entrypoint is not), and how repositories are recorded (a discovered mirror
 * without its URL, a configured one with it).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../src/config/index.js';
import { hasCode } from '../../src/errors.js';
import { checkLockMatches, lockedConfigDigest, makeLockfile } from '../../src/resolve/lock.js';

const BASE = `contents:
  repositories:
    - url: http://127.0.0.1:1/debian
      suites: [stable, stable-updates]
      components: [main]
      keyring: [/keys/repo.gpg]
    - suites: [stable-security]
  keyring: [/keys/archive.gpg]
  packages: [hello, libc]
  exclude: [mawk]
archs: [amd64]
entrypoint:
  command: /usr/bin/hello
`;

const config = (text: string) => parseConfig(text, '/work/pare.yaml', '/work');

/** One textual edit of BASE, which must exist. */
function edit(from: string, to: string): string {
  assert.ok(BASE.includes(from), from);
  return BASE.replace(from, to);
}

describe('lockedConfigDigest', () => {
  const base = lockedConfigDigest(config(BASE));

  it('is stable for the same config', () => {
    assert.match(base, /^sha256:[0-9a-f]{64}$/);
    assert.equal(lockedConfigDigest(config(BASE)), base);
  });

  const pinned: Array<[string, string, string]> = [
    ['a repository URL', 'url: http://127.0.0.1:1/debian', 'url: http://127.0.0.1:2/debian'],
    ['a repository suite', 'suites: [stable, stable-updates]', 'suites: [stable]'],
    ['a repository component', 'components: [main]', 'components: [main, contrib]'],
    ["a repository's keyring", 'keyring: [/keys/repo.gpg]', 'keyring: [/keys/other.gpg]'],
    ['a discovered repository', '    - suites: [stable-security]\n', ''],
    ['the keyring', 'keyring: [/keys/archive.gpg]', 'keyring: [/keys/archive.gpg, /keys/extra.gpg]'],
    ['the package list', 'packages: [hello, libc]', 'packages: [hello]'],
    ['the exclusions', 'exclude: [mawk]', 'exclude: [mawk, debconf]'],
    ['the archs', 'archs: [amd64]', 'archs: [amd64, arm64]'],
  ];
  for (const [what, from, to] of pinned) {
    it(`changes with ${what}`, () => {
      const changed = config(edit(from, to));
      assert.notEqual(lockedConfigDigest(changed), base);
      const lock = makeLockfile({ config: config(BASE), repositories: [], fingerprints: [], plans: [] });
      assert.throws(
        () => checkLockMatches(lock, changed, 'pare.lock.json'),
        (e) => hasCode(e, 'LOCK_MISMATCH'),
      );
    });
  }

  it('does not change with the entrypoint, environment or annotations', () => {
    const other = edit('entrypoint:\n  command: /usr/bin/hello\n', 'entrypoint:\n  command: /usr/bin/hello --loud\n');
    assert.equal(lockedConfigDigest(config(other)), base);
    const more = `${BASE}environment:\n  A: b\nannotations:\n  x: y\n`;
    assert.equal(lockedConfigDigest(config(more)), base);
  });
});

describe('makeLockfile', () => {
  const repo = (url: string, configured: boolean, suite: string) => ({
    url,
    configured,
    suite,
    components: ['main'],
    inReleaseSha256: 'a'.repeat(64),
    date: new Date('2023-11-14T22:13:20Z'),
    signers: ['B', 'A'],
  });

  it('records a configured repository with its URL and a discovered mirror without it', () => {
    const lock = makeLockfile({
      config: config(BASE),
      repositories: [
        repo('http://127.0.0.1:1/debian', true, 'stable'),
        repo('http://127.0.0.1:3/mirror', false, 'stable-security'),
      ],
      fingerprints: ['F2', 'F1', 'F2'],
      plans: [],
    });
    assert.deepEqual(lock.repositories, [
      {
        url: 'http://127.0.0.1:1/debian',
        suite: 'stable',
        components: ['main'],
        inRelease: { sha256: 'a'.repeat(64), date: '2023-11-14T22:13:20.000Z' },
        signedBy: ['A', 'B'],
      },
      {
        suite: 'stable-security',
        components: ['main'],
        inRelease: { sha256: 'a'.repeat(64), date: '2023-11-14T22:13:20.000Z' },
        signedBy: ['A', 'B'],
      },
    ]);
    assert.ok(!('url' in lock.repositories[1]!), 'no url key at all for a discovered mirror');
    assert.ok(!JSON.stringify(lock).includes('127.0.0.1:3'), 'the mirror URL appears nowhere in the lock');
    assert.deepEqual(lock.keyring.fingerprints, ['F1', 'F2']);
    assert.equal(lock.config.file, 'pare.yaml');
  });
});
