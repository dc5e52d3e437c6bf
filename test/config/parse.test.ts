import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../src/config/index.js';
import { ConfigError } from '../../src/errors.js';

const good = `
contents:
  repositories:
    - suites: [bookworm, bookworm-updates]
    - "http://127.0.0.1:1/debian bookworm-security main contrib"
    - url: https://example.invalid/debian/
      suites: [trixie]
      components: [main]
      keyring: [keys/extra.asc]
  keyring: [keys/archive.gpg]
  packages: [base-files, libc6=2.36-9+deb12u4, openssl]
  exclude: [debconf]
entrypoint:
  command: /usr/bin/openssl version
cmd: [-a]
work-dir: /app
environment:
  TZ: UTC
  N: 1
accounts:
  users:
    - username: app
      uid: 1000
  groups:
    - groupname: app
      gid: 1000
  run-as: app
annotations:
  org.opencontainers.image.title: demo
archs: [amd64, arm64]
`;

function errorOf(text: string): ConfigError {
  try {
    parseConfig(text, 'pare.yaml', '/ctx');
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${e}`);
    return e;
  }
  assert.fail('expected the config to be rejected');
}

describe('config', () => {
  it('normalizes every key of a valid config', () => {
    const c = parseConfig(good, 'pare.yaml', '/ctx');
    assert.deepEqual(
      c.contents.repositories.map((r) => [r.url, r.suites, r.components, r.keyring]),
      [
        [undefined, ['bookworm', 'bookworm-updates'], ['main'], undefined],
        ['http://127.0.0.1:1/debian', ['bookworm-security'], ['main', 'contrib'], undefined],
        ['https://example.invalid/debian', ['trixie'], ['main'], ['/ctx/keys/extra.asc']],
      ],
    );
    assert.deepEqual(c.contents.keyring, ['/ctx/keys/archive.gpg']);
    assert.deepEqual(c.contents.packages, ['base-files', 'libc6=2.36-9+deb12u4', 'openssl']);
    assert.deepEqual(c.contents.exclude, ['debconf']);
    assert.deepEqual(c.entrypoint, ['/usr/bin/openssl', 'version']);
    assert.deepEqual(c.cmd, ['-a']);
    assert.equal(c.workDir, '/app');
    assert.deepEqual(c.environment, { TZ: 'UTC', N: '1' });
    assert.deepEqual(c.accounts.users, [
      { username: 'app', uid: 1000, gid: 1000, homedir: '/home/app', shell: '/sbin/nologin' },
    ]);
    assert.equal(c.accounts.runAs, 'app');
    assert.deepEqual(c.archs, ['amd64', 'arm64']);
    assert.match(c.digest, /^[0-9a-f]{64}$/);
    assert.deepEqual(c.contents.repositories[0]!.pos, { file: 'pare.yaml', line: 4, col: 7 });
  });

  it('defaults archs to amd64 and components to main', () => {
    const c = parseConfig('contents:\n  repositories: [bookworm]\n  packages: [libc6]\n', 'p.yaml');
    assert.deepEqual(c.archs, ['amd64']);
    assert.deepEqual(c.contents.repositories[0]!.components, ['main']);
  });

  it('reports YAML syntax errors with file:line:column', () => {
    const e = errorOf('contents:\n  packages: [a\n');
    assert.equal(e.code, 'CONFIG_PARSE');
    assert.equal(e.pos?.file, 'pare.yaml');
    assert.match(e.message, /^pare\.yaml:\d+:\d+: /);
  });

  it('reports every schema problem at once, each with position and key', () => {
    const e = errorOf(
      'contents:\n  repositories: [bookworm]\n  packages:\n    - libc6\n    - {a: 1}\n  pakages: []\narchs: [x86]\n',
    );
    assert.equal(e.code, 'CONFIG_SCHEMA');
    const problems = e.detail?.problems as Array<{ key: string; line: number; col: number }>;
    assert.deepEqual(
      problems.map((p) => [p.key, p.line, p.col]),
      [
        ['contents.packages[1]', 5, 7],
        ['contents.pakages', 6, 3],
        ['archs[0]', 7, 9],
      ],
    );
    assert.match(e.message, /pare\.yaml:6:3: contents\.pakages: unknown key "pakages"/);
    assert.match(e.message, /\^/); // excerpt with a pointer
    assert.ok(e.hint);
  });

  it('requires contents.repositories and contents.packages', () => {
    const e = errorOf('contents: {}\n');
    assert.equal(e.code, 'CONFIG_SCHEMA');
    assert.match(e.message, /missing required key "repositories"/);
    assert.match(e.message, /missing required key "packages"/);
  });

  it('rejects bad package names, relative work-dir and duplicate users', () => {
    const e = errorOf(
      'contents:\n  repositories: [bookworm]\n  packages: ["Lib C"]\nwork-dir: app\naccounts:\n  users:\n    - {username: a, uid: 1}\n    - {username: a, uid: 2}\n',
    );
    const keys = (e.detail?.problems as Array<{ key: string }>).map((p) => p.key);
    assert.deepEqual(keys, ['contents.packages[0]', 'work-dir', 'accounts.users[1].username']);
  });

  it('rejects wrong types with what it got', () => {
    const e = errorOf('contents:\n  repositories: [bookworm]\n  packages: libc6\n');
    assert.match(e.message, /contents\.packages: expected a list, got the string "libc6"/);
  });

  it('rejects an empty file', () => {
    assert.equal(errorOf('').code, 'CONFIG_SCHEMA');
  });
});
