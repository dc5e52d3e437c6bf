/**
 * The dynamic loader's search order (ld.so(8)) and the ELF fields it reads:
 * RPATH before LD_LIBRARY_PATH and only without RUNPATH, $ORIGIN and $LIB,
 * ld.so.conf with include globs, multiarch defaults; non-ELF and truncated
 * input give undefined.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readElfDeps } from '../../src/tree/elf.js';
import { defaultLibDirs, expandTokens, findLibrary, ldSoConfDirs, searchDirs } from '../../src/tree/ldso.js';
import { formatTrace, parseTrace } from '../../src/tree/trace-file.js';

const ctx = (files: string[], over: { libraryPath?: string[]; confDirs?: string[] } = {}) => ({
  arch: 'amd64',
  libraryPath: over.libraryPath ?? [],
  confDirs: over.confDirs ?? [],
  isFile: (p: string) => files.includes(p),
});

describe('ld.so search', () => {
  it('RPATH (own, then inherited) comes before LD_LIBRARY_PATH, RUNPATH after it; RUNPATH disables RPATH', () => {
    const req = { origin: '/opt/app/bin', rpath: ['$ORIGIN/../lib'], runpath: [], inherited: ['/opt/parent'] };
    const c = ctx([], { libraryPath: ['/ldpath'], confDirs: ['/usr/local/lib'] });
    assert.deepEqual(searchDirs(req, c).dirs, [
      '/opt/app/lib',
      '/opt/parent',
      '/ldpath',
      '/usr/local/lib',
      '/lib/x86_64-linux-gnu',
      '/usr/lib/x86_64-linux-gnu',
      '/lib',
      '/usr/lib',
      '/lib64',
      '/usr/lib64',
    ]);
    const run = { ...req, runpath: ['${ORIGIN}/rp'] };
    assert.deepEqual(searchDirs(run, c).dirs.slice(0, 3), ['/ldpath', '/opt/app/bin/rp', '/usr/local/lib']);
    assert.deepEqual(
      searchDirs(run, c).rpath,
      ['/opt/app/lib', '/opt/parent'],
      'children still inherit the RPATH chain',
    );
  });

  it('finds the first match; a name with a slash is a path; $LIB expands to the multiarch and plain lib', () => {
    const req = { origin: '/usr/bin', rpath: [], runpath: [], inherited: [] };
    const c = ctx(['/usr/lib/x86_64-linux-gnu/libz.so.1', '/usr/lib/libz.so.1', '/usr/bin/../lib/own.so']);
    assert.equal(findLibrary('libz.so.1', req, c), '/usr/lib/x86_64-linux-gnu/libz.so.1');
    assert.equal(findLibrary('../lib/own.so', req, c), undefined, 'the path is normalized first');
    assert.equal(findLibrary('/usr/lib/libz.so.1', req, c), '/usr/lib/libz.so.1');
    assert.equal(findLibrary('libmissing.so', req, c), undefined);
    assert.deepEqual(expandTokens('/opt/$LIB/x', '/o', 'amd64'), ['/opt/lib/x86_64-linux-gnu/x', '/opt/lib/x']);
    assert.deepEqual(defaultLibDirs('armhf'), [
      '/lib/arm-linux-gnueabihf',
      '/usr/lib/arm-linux-gnueabihf',
      '/lib',
      '/usr/lib',
    ]);
  });

  it('reads ld.so.conf and the files its include globs name, in order', () => {
    const files: Record<string, string> = {
      '/etc/ld.so.conf': 'include /etc/ld.so.conf.d/*.conf\n',
      '/etc/ld.so.conf.d/x86_64-linux-gnu.conf':
        '# Multiarch support\n/usr/local/lib/x86_64-linux-gnu\n/lib/x86_64-linux-gnu\n',
      '/etc/ld.so.conf.d/libc.conf': '/usr/local/lib\n',
    };
    const dirs = ldSoConfDirs(
      (p) => files[p],
      () => Object.keys(files).map((p) => p.slice(1)),
    );
    assert.deepEqual(dirs, ['/usr/local/lib', '/usr/local/lib/x86_64-linux-gnu', '/lib/x86_64-linux-gnu']);
  });
});

describe('ELF and trace files', () => {
  it('non-ELF and truncated ELF give undefined', () => {
    assert.equal(readElfDeps(new TextEncoder().encode('#!/bin/sh\n')), undefined);
    const bad = new Uint8Array(64);
    bad.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
    new DataView(bad.buffer).setBigUint64(32, 1n << 40n, true); // program headers far past the end
    new DataView(bad.buffer).setUint16(56, 3, true);
    assert.equal(readElfDeps(bad), undefined);
  });

  it('a trace file is sorted, normalized and deduplicated; parseTrace needs the header', () => {
    const text = formatTrace(['/usr/lib/./x', '/etc/passwd', '/usr//lib/x', '/a/b/../c', '/']);
    assert.equal(text, '# pare trace v1\n/a/c\n/etc/passwd\n/usr/lib/x\n');
    assert.deepEqual(parseTrace(text), ['/a/c', '/etc/passwd', '/usr/lib/x']);
    assert.equal(parseTrace('/etc/passwd\n'), undefined);
  });
});
