/**
 * Files pare rewrites in an APK image (os-release, passwd, group) belong to
 * the generated layer (owner 'pare') but stay listed in apk's installed
 * database under the package that shipped them, with the shipped checksum.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { accountsFor } from '../../src/distroless/accounts.js';
import { addApkAccounts, addApkMetadata } from '../../src/distroless/apk.js';
import { addOsRelease } from '../../src/distroless/os-release.js';
import type { Config } from '../../src/config/types.js';
import type { ApkPackage } from '../../src/sources/apk/apkindex.js';
import { INSTALLED_DB, parseInstalledDb } from '../../src/sources/apk/installed-db.js';
import { FileTree } from '../../src/tree/tree.js';

const enc = new TextEncoder();
const q1 = (s: string) => `Q1${createHash('sha1').update(s).digest('base64')}`;
const pkg: ApkPackage = {
  name: 'layout',
  version: '1-r0',
  arch: 'x86_64',
  checksum: `Q1${'A'.repeat(27)}=`,
  size: 1,
  installedSize: 1,
  description: '',
  url: '',
  license: 'MIT',
  origin: 'layout',
  depends: [],
  provides: [],
  installIf: [],
  replaces: [],
};

describe('APK metadata for files pare rewrites', () => {
  it('lists os-release and passwd under the shipping package with the shipped checksums', () => {
    const tree = new FileTree();
    const file = (path: string, data: string) => ({
      path,
      type: 'file' as const,
      mode: 0o644,
      uid: 0,
      gid: 0,
      data: enc.encode(data),
      owner: 'layout',
    });
    tree.add({ path: 'etc', type: 'dir', mode: 0o755, uid: 0, gid: 0, owner: 'layout' });
    tree.add(file('etc/os-release', 'ID=x\nNAME="X"\n'));
    tree.add(file('etc/passwd', 'root:x:0:0:root:/root:/bin/sh\n'));
    tree.add(file('etc/motd', 'hi\n'));
    addApkAccounts(tree, accountsFor({ file: 'pare.yaml', accounts: { users: [], groups: [] } } as unknown as Config));
    assert.ok(addOsRelease(tree));
    addApkMetadata(tree, {
      packages: [pkg],
      dirs: new Map(),
      world: [],
      repositories: [],
      arch: 'x86_64',
      keys: new Map(),
    });
    for (const p of ['etc/os-release', 'etc/passwd']) assert.equal(tree.get(p)?.owner, 'pare', p);
    assert.match(new TextDecoder().decode(tree.get('etc/passwd')!.data), /nonroot/);
    const [rec] = parseInstalledDb(new TextDecoder().decode(tree.get(INSTALLED_DB)!.data));
    assert.deepEqual(
      [...rec!.files]
        .filter(([, v]) => v.kind === 'file')
        .map(([p, v]) => `${p} ${v.checksum}`)
        .sort(),
      [
        `etc/motd ${q1('hi\n')}`,
        `etc/os-release ${q1('ID=x\nNAME="X"\n')}`,
        `etc/passwd ${q1('root:x:0:0:root:/root:/bin/sh\n')}`,
      ],
    );
  });
});
