/** Config keys paths, slicing and debug: normalization and errors with positions. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../src/config/index.js';
import { hasCode } from '../../src/errors.js';

const HEAD = 'contents:\n  repositories: [bookworm]\n  packages: [base-files]\n';

function errorOf(
  text: string,
): Error & { code: string; detail?: { problems: Array<{ key: string; line: number; col: number }> } } {
  try {
    parseConfig(text, 'pare.yaml', '/ctx');
  } catch (e) {
    return e as never;
  }
  assert.fail('expected an error');
}

describe('config: paths, slicing, debug', () => {
  it('normalizes paths, slicing and debug', () => {
    const c = parseConfig(
      `${HEAD}paths:\n  - { path: /app/app.py, type: file, source: src/app.py, uid: 65532, permissions: 0o640 }\n  - { path: /app/bin, type: symlink, target: /usr/bin/python3 }\n  - { path: /data, type: directory, permissions: 0750, recursive: true }\n  - { path: /etc/x, type: hardlink, source: /etc/y }\n  - { path: /var/lib/app, type: permissions, permissions: "700" }\nslicing:\n  exclude: ["/usr/share/perl5/**"]\n  packages:\n    tzdata: { include: ["/usr/share/zoneinfo/**"] }\ndebug: true\n`,
      'pare.yaml',
      '/ctx',
    );
    assert.deepEqual(
      c.paths!.map((p) => [p.path, p.type, p.source, p.target, p.permissions, p.recursive]),
      [
        ['/app/app.py', 'file', '/ctx/src/app.py', undefined, 0o640, false],
        ['/app/bin', 'symlink', undefined, '/usr/bin/python3', undefined, false],
        ['/data', 'directory', undefined, undefined, 0o750, true],
        ['/etc/x', 'hardlink', undefined, '/etc/y', undefined, false],
        ['/var/lib/app', 'permissions', undefined, undefined, 0o700, false],
      ],
    );
    assert.deepEqual(c.paths![0]!.pos, { file: 'pare.yaml', line: 5, col: 5 });
    assert.deepEqual(c.slicing, {
      enabled: true,
      include: [],
      exclude: ['/usr/share/perl5/**'],
      packages: { tzdata: { include: ['/usr/share/zoneinfo/**'], exclude: [] } },
    });
    assert.equal(c.debug, true);
    const d = parseConfig(HEAD, 'pare.yaml', '/ctx');
    assert.deepEqual([d.paths, d.slicing?.enabled, d.debug], [[], true, false]);
    assert.equal(parseConfig(`${HEAD}slicing: { enabled: false }\n`, 'pare.yaml').slicing?.enabled, false);
  });

  it('reports every bad entry with its position', () => {
    const e = errorOf(
      `${HEAD}paths:\n  - { path: /a, type: file, source: ../secret }\n  - { path: /b, type: file }\n  - { path: relative, type: directory }\n  - { path: /c, type: directory, permissions: 0o999 }\n  - { path: /d, type: socket }\n  - { path: /e, type: symlink }\n  - { path: /f, type: file, source: /etc/passwd }\nslicing: { exclude: [1, 2], bogus: 1 }\n`,
    );
    assert.ok(hasCode(e, 'CONFIG_SCHEMA'), e.message);
    const keys = e.detail!.problems.map((p) => `${p.key}@${p.line}`);
    for (const k of ['paths[2].path@7', 'paths[4].type@9', 'slicing.bogus@12'])
      assert.ok(keys.includes(k), `${k} in ${keys.join(' ')}`);
    const e2 = errorOf(
      `${HEAD}paths:\n  - { path: /a, type: file, source: ../secret }\n  - { path: /b, type: file }\n  - { path: /c, type: directory, permissions: 0o999 }\n  - { path: /e, type: symlink }\n  - { path: /f, type: file, source: /etc/passwd }\n`,
    );
    const k2 = e2.detail!.problems.map((p) => `${p.key}@${p.line}`);
    assert.deepEqual(k2, [
      'paths[0].source@5',
      'paths[1]@6',
      'paths[2].permissions@7',
      'paths[3]@8',
      'paths[4].source@9',
    ]);
    assert.match(e2.message, /"\.\.\/secret" is outside the build context \/ctx/);
  });
});

describe('config: minimize', () => {
  it('splits keep into trace files (relative to the config) and absolute globs', () => {
    const c = parseConfig(
      `${HEAD}minimize:\n  keep: [traces/app.trace, "/usr/bin/python3*"]\n  elf: true\n`,
      'pare.yaml',
      '/ctx',
    );
    assert.deepEqual(
      { ...c.minimize, pos: undefined },
      { traces: ['/ctx/traces/app.trace'], globs: ['/usr/bin/python3*'], elf: true, pos: undefined },
    );
    assert.equal(parseConfig(HEAD, 'pare.yaml', '/ctx').minimize, undefined, 'absent: no minimization');
    const e = errorOf(`${HEAD}minimize:\n  keep: [/x]\n  elf: sometimes\n`);
    assert.ok(hasCode(e, 'CONFIG_SCHEMA'));
    assert.deepEqual(
      e.detail?.problems.map((p) => p.key),
      ['minimize.elf'],
    );
  });
});
