import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { glob, matchAny } from '../../src/tree/glob.js';

describe('glob', () => {
  const cases: Array<[string, string, boolean]> = [
    ['/usr/share/doc/*/copyright', 'usr/share/doc/libc6/copyright', true],
    ['/usr/share/doc/*/copyright', 'usr/share/doc/libc6/x/copyright', false],
    ['/usr/share/doc/**', 'usr/share/doc', true],
    ['/usr/share/doc/**', 'usr/share/doc/a/b/c', true],
    ['/usr/share/doc/**', 'usr/share/docs/a', false],
    ['/usr/**/*.so', 'usr/lib/x86_64-linux-gnu/libz.so', true],
    ['/usr/**/*.so', 'usr/x.so', true],
    ['/usr/**/*.so', 'usr/lib/libz.so.1', false],
    ['/usr/lib/lib?.so', 'usr/lib/libz.so', true],
    ['/usr/lib/lib?.so', 'usr/lib/lib/.so', false],
    ['**', 'anything/at/all', true],
    ['/etc/*', 'etc/passwd', true],
    ['/etc/*', 'etc/ssl/certs', false],
    ['/a.b+(c)', 'a.b+(c)', true],
    ['/a.b', 'axb', false],
    ['usr/bin/x', '/usr/bin/x', true],
    ['/usr/lib/**/libfoo*', 'usr/lib/a/b/libfoo.so.1', true],
  ];
  for (const [pattern, path, want] of cases) {
    it(`${pattern} ${want ? 'matches' : 'does not match'} ${path}`, () => {
      assert.equal(glob(pattern).test(path), want);
    });
  }
  it('matchAny and the compiled form', () => {
    assert.ok(matchAny(['/nope', '/usr/**'], '/usr/bin'));
    assert.ok(!matchAny([], 'usr'));
  });
});
