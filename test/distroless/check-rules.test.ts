/**
 * `pare check`'s rules in detail (src/distroless/check.ts), beside
 * check.test.ts: where a shell or package manager counts, setuid/setgid
 * through hard links, what the temporary and lock directory exceptions cover
 * and no more, the messages a user reads, and the summary. Written to kill
 * the mutants `npm run mutation -- check` found surviving (docs/MUTATION.md).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkImage, statusPackages, type CheckReport } from '../../src/distroless/check.js';
import type { TreeEntry } from '../../src/tree/types.js';

const enc = new TextEncoder();
const file = (path: string, mode = 0o644, data = 'x', uid = 0): TreeEntry => ({
  path,
  type: 'file',
  mode,
  uid,
  gid: 0,
  data: enc.encode(data),
});
const dir = (path: string, mode = 0o755): TreeEntry => ({ path, type: 'dir', mode, uid: 0, gid: 0 });
const link = (path: string, target: string): TreeEntry => ({
  path,
  type: 'symlink',
  mode: 0o777,
  uid: 0,
  gid: 0,
  target,
});
const hard = (path: string, target: string, mode = 0o644): TreeEntry => ({
  path,
  type: 'hardlink',
  mode,
  uid: 0,
  gid: 0,
  target,
});
const USER = { User: '65532' };
const found = (r: CheckReport) => r.findings.map((f) => [f.category, f.path ?? null, f.message]);

describe('check rules', () => {
  it('a shell or package manager counts in any bin or sbin directory and /busybox, as a file, symlink or hard link', () => {
    const r = checkImage(
      [
        file('bin/bash', 0o755),
        link('usr/sbin/sh', '/bin/bash'),
        hard('opt/app/bin/dpkg', 'x'),
        file('busybox/ash', 0o755),
        file('sbin/microdnf', 0o755),
      ],
      USER,
      1,
    );
    assert.deepEqual(found(r), [
      ['shell', '/bin/bash', 'shell /bin/bash'],
      ['shell', '/usr/sbin/sh', 'shell /usr/sbin/sh (a symlink to /bin/bash)'],
      ['package-manager', '/opt/app/bin/dpkg', 'package manager /opt/app/bin/dpkg'],
      ['shell', '/busybox/ash', 'shell /busybox/ash'],
      ['package-manager', '/sbin/microdnf', 'package manager /sbin/microdnf'],
    ]);
    assert.equal(r.ok, false);
  });

  it('every shell and package manager pare check knows is found by name', () => {
    const shells = ['sh', 'bash', 'dash', 'busybox', 'ash', 'zsh', 'ksh', 'mksh', 'csh', 'tcsh', 'fish'];
    const managers = ['apt', 'apt-get', 'dpkg', 'apk', 'rpm', 'yum', 'dnf', 'microdnf'];
    const r = checkImage(
      [...shells, ...managers].map((n) => file(`usr/bin/${n}`, 0o755)),
      USER,
      1,
    );
    assert.deepEqual(
      r.findings.map((f) => [f.category, f.path]),
      [...shells.map((n) => ['shell', `/usr/bin/${n}`]), ...managers.map((n) => ['package-manager', `/usr/bin/${n}`])],
    );
  });

  it('not elsewhere: other directories, names that merely contain a shell name, directories named like one', () => {
    const r = checkImage(
      [
        file('usr/share/bash-completion/bash', 0o644),
        file('opt/busybox/sh', 0o755),
        file('usr/lib/binfmt/sh', 0o755),
        file('usr/bin/bashbug', 0o755),
        file('usr/bin/xsh', 0o755),
        file('usr/bin/apt-cache', 0o755),
        dir('usr/bin/sh'),
        dir('sbin/apk'),
        file('bin', 0o755),
        file('sh', 0o755),
      ],
      USER,
      1,
    );
    assert.deepEqual(found(r), []);
    assert.equal(r.ok, true);
  });

  it('setuid and setgid: the kind and mode in the message, through a hard link the target file decides', () => {
    const r = checkImage(
      [
        file('usr/bin/su', 0o4755),
        file('usr/bin/both', 0o6711, 'x', 5),
        file('usr/bin/wall', 0o2755),
        hard('usr/bin/su2', 'usr/bin/su', 0o755),
        hard('usr/bin/missing', 'usr/bin/none', 0o4755),
        dir('usr/share/setgid-dir', 0o2775),
        link('usr/bin/s', 'su'),
      ],
      USER,
      1,
    );
    assert.deepEqual(found(r), [
      ['setuid', '/usr/bin/su', 'setuid file /usr/bin/su (mode 4755, uid 0)'],
      ['setuid', '/usr/bin/both', 'setuid+setgid file /usr/bin/both (mode 6711, uid 5)'],
      ['setuid', '/usr/bin/wall', 'setgid file /usr/bin/wall (mode 2755, uid 0)'],
      ['setuid', '/usr/bin/su2', 'setuid file /usr/bin/su2 (mode 4755, uid 0)'],
      ['setuid', '/usr/bin/missing', 'setuid file /usr/bin/missing (mode 4755, uid 0)'],
    ]);
  });

  it('world-writable: files, hard links to them, directories; /tmp and /var/tmp exempt, their look-alikes not', () => {
    const r = checkImage(
      [
        file('etc/app.conf', 0o606),
        hard('etc/app2.conf', 'etc/app.conf', 0o644),
        dir('srv', 0o1777),
        dir('tmp', 0o1777),
        dir('tmp/x', 0o777),
        file('var/tmp/y', 0o666),
        dir('tmpx', 0o777),
        dir('var/tmpx', 0o777),
        file('usr/tmp', 0o666),
        link('etc/l', '/tmp'),
        file('etc/ok', 0o664),
      ],
      USER,
      1,
    );
    assert.deepEqual(found(r), [
      ['world-writable', '/etc/app.conf', 'world-writable file /etc/app.conf (mode 0606)'],
      ['world-writable', '/etc/app2.conf', 'world-writable file /etc/app2.conf (mode 0606)'],
      ['world-writable', '/srv', 'world-writable directory /srv (mode 1777)'],
      ['world-writable', '/tmpx', 'world-writable directory /tmpx (mode 0777)'],
      ['world-writable', '/var/tmpx', 'world-writable directory /var/tmpx (mode 0777)'],
      ['world-writable', '/usr/tmp', 'world-writable file /usr/tmp (mode 0666)'],
    ]);
  });

  it('the lock directory exception is for a sticky directory only, not a sticky file or another sticky directory', () => {
    const r = checkImage([file('run/lock', 0o1777), dir('var/locks', 0o1777), dir('lock', 0o1777)], USER, 1);
    assert.deepEqual(
      r.findings.map((f) => f.path),
      ['/run/lock', '/var/locks', '/lock'],
    );
  });

  it('the root user finding names the User value; --allow-path never allows it', () => {
    const r = checkImage([], { User: ' root:0' }, 1, { allowPaths: ['/**', '**'] });
    assert.deepEqual(found(r), [['root-user', null, 'the image runs as root (User " root:0")']]);
    assert.equal(r.ok, false);
    assert.deepEqual(found(checkImage([], {}, 1)), [['root-user', null, 'the image runs as root (User "")']]);
    assert.deepEqual(found(checkImage([], { User: '00' }, 1)), [
      ['root-user', null, 'the image runs as root (User "00")'],
    ]);
    assert.deepEqual(found(checkImage([], { User: '010' }, 1)), []);
    assert.deepEqual(found(checkImage([], { User: 'rooter' }, 1)), []);
  });

  it('a finding is allowed only by its own category or a glob matching its path; ok means every finding is allowed', () => {
    const entries = [file('bin/sh', 0o755), file('usr/bin/su', 0o4755)];
    const r = checkImage(entries, USER, 1, { allowPaths: ['/bin/*'] });
    assert.deepEqual(
      r.findings.map((f) => [f.path, f.allowed]),
      [
        ['/bin/sh', true],
        ['/usr/bin/su', false],
      ],
    );
    assert.equal(r.ok, false);
    assert.equal(checkImage(entries, USER, 1, { allowPaths: ['/bin/*'], allow: ['setuid'] }).ok, true);
    assert.equal(checkImage(entries, USER, 1, { allowPaths: ['/usr/bin/*'], allow: ['setuid'] }).ok, false);
    assert.equal(checkImage(entries, USER, 1, { allowPaths: [] }).ok, false);
  });
});

describe('check summary', () => {
  it('counts files and links (not directories), bytes of regular files, packages sorted by name, layers and user', () => {
    const status = (name: string, version: string, extra = '') =>
      `Package: ${name}\nStatus: install ok installed\n${extra}Version: ${version}\n`;
    const r = checkImage(
      [
        dir('var'),
        dir('var/lib/dpkg/status.d'),
        file('var/lib/dpkg/status.d/zlib', 0o644, status('zlib1g', '1:1.2.13')),
        file('var/lib/dpkg/status.d/zlib.md5sums', 0o644, 'not a status file'),
        file('var/lib/dpkg/status.d/base', 0o644, status('base-files', '12.4')),
        file('var/lib/dpkg/status', 0o644, `${status('libc6', '2.36-9')}\n${status('bash', '5.2')}`),
        file('usr/lib/status', 0o644, status('not-a-package', '1')),
        link('usr/bin/x', 'a-long-symlink-target'),
        hard('usr/bin/y', 'usr/lib/status'),
      ],
      { User: '65532:65532' },
      3,
    );
    assert.deepEqual(r.summary, {
      packages: [
        { name: 'base-files', version: '12.4' },
        { name: 'bash', version: '5.2' },
        { name: 'libc6', version: '2.36-9' },
        { name: 'zlib1g', version: '1:1.2.13' },
      ],
      files: 7,
      bytes:
        status('zlib1g', '1:1.2.13').length +
        'not a status file'.length +
        status('base-files', '12.4').length +
        status('libc6', '2.36-9').length +
        1 +
        status('bash', '5.2').length +
        status('not-a-package', '1').length,
      layers: 3,
      user: '65532:65532',
    });
    assert.equal(checkImage([], {}, 0).summary.user, '');
  });

  it('statusPackages reads installed paragraphs only, blank lines with spaces separating them', () => {
    const text = [
      'Package: a\nStatus: install ok installed\nVersion: 1',
      'Package: b\nStatus: deinstall ok config-files\nVersion: 2',
      'Package: c\nVersion: 3',
      'Package: d\nStatus: install ok half-installed\nVersion: 4',
      'Package: e\nStatus: install ok installed  \nVersion: 5',
      'Package: f',
      'Version: 6',
      'Package:   g\nVersion:\t7 extra',
    ].join('\n \t\n');
    assert.deepEqual(statusPackages(text), [
      { name: 'a', version: '1' },
      { name: 'c', version: '3' },
      { name: 'e', version: '5' },
      { name: 'g', version: '7' },
    ]);
    assert.deepEqual(statusPackages('Description: x\n Package: no\nVersion: 1\n'), []);
  });

  it('statusPackages: fields in any order, with or without spaces after the colon; only the Version and Status fields count', () => {
    const text = [
      // deb822 does not fix the order of fields: a description may come first.
      'Description: tool\n Version: 9 of the manual\n Status: deinstall ok config-files\nPackage: a\nStatus: install ok installed\nVersion: 1',
      'Package: b\nConfig-Version: 0.9\nVersion:  2\nStatus:install ok installed',
      'Package: c\nVersion:3\nStatus:deinstall ok config-files',
      'Package: d\nVersion: 4\nStatus: install ok  installed',
      'Package: e\nVersion: 5\nStatus: purge ok not-installed',
    ].join('\n\n');
    assert.deepEqual(statusPackages(text), [
      { name: 'a', version: '1' },
      { name: 'b', version: '2' },
      { name: 'd', version: '4' },
    ]);
  });
});
