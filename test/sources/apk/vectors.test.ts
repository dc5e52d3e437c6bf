/**
 * The real signed APK data in ../shared/vectors/apk: Alpine's and Wolfi's
 * own indexes, keys and packages. Verification, parsing and resolution
 * without any network.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { apkVectorsDir } from '../../helpers/apk-vectors.js';
import { hasCode } from '../../../src/errors.js';
import { readApk } from '../../../src/sources/apk/apk-file.js';
import { parseApkIndex } from '../../../src/sources/apk/apkindex.js';
import { readApkIndexArchive, verifiedApkIndex } from '../../../src/sources/apk/index-archive.js';
import { pkgInfoValue } from '../../../src/sources/apk/pkginfo.js';
import { parseApkKey, verifyApkSignatures, type ApkKeyring } from '../../../src/sources/apk/signature.js';
import { ApkUniverse } from '../../../src/resolve/apk/universe.js';
import { resolveApk } from '../../../src/resolve/apk/solver.js';

const VECTORS = apkVectorsDir();
const read = (p: string) => readFileSync(path.join(VECTORS, p));

function keyring(...files: string[]): ApkKeyring {
  return new Map(files.map((f) => [path.basename(f), parseApkKey(path.basename(f), read(f))]));
}

const ALPINE_KEY = 'alpine-316/alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub';

describe('APK vectors', () => {
  it("Alpine v3.16's index verifies with Alpine's key (RSA, SHA-1) and parses 4,929 packages", () => {
    const v = verifiedApkIndex(read('alpine-316/APKINDEX.tar.gz'), keyring(ALPINE_KEY), 'alpine-316');
    assert.equal(v.signer, path.basename(ALPINE_KEY));
    assert.equal(v.signatures[0]!.digest, 'sha1');
    const pkgs = parseApkIndex(v.index, 'alpine-316/APKINDEX');
    assert.equal(pkgs.length, 4929);
    const py = pkgs.find((p) => p.name === 'python3')!;
    assert.match(py.version, /^3\.10\./);
    assert.ok(py.provides.some((p) => p.name.startsWith('cmd:python3')));
    assert.ok(pkgs.some((p) => p.provides.some((q) => q.name.startsWith('so:'))));
    assert.ok(pkgs.some((p) => p.provides.some((q) => q.name.startsWith('pc:'))));
  });

  it("Alpine's index does not verify with a Wolfi key, nor when one byte of the index changes", () => {
    const wolfi = readdirSync(path.join(VECTORS, 'signing', 'keys'))[0]!;
    const bytes = read('alpine-316/APKINDEX.tar.gz');
    assert.throws(
      () => verifiedApkIndex(bytes, keyring(`signing/keys/${wolfi}`), 'alpine-316'),
      (e) => hasCode(e, 'SIG_NO_KEY'),
    );
    // A key file named like Alpine's key but holding another key: the signature must not verify.
    const impostor: ApkKeyring = new Map([
      [path.basename(ALPINE_KEY), parseApkKey('x', read(`signing/keys/${wolfi}`))],
    ]);
    assert.throws(
      () => verifiedApkIndex(bytes, impostor, 'alpine-316'),
      (e) => hasCode(e, 'SIG_BAD'),
    );
    const a = readApkIndexArchive(bytes, 'alpine-316');
    const tampered = Buffer.from(a.signed);
    tampered[tampered.length - 100] ^= 1;
    assert.throws(
      () => verifyApkSignatures(a.signatures, tampered, keyring(ALPINE_KEY), 'alpine-316'),
      (e) => hasCode(e, 'SIG_BAD'),
    );
  });

  it('each signature of the Wolfi fragment verifies with its own Chainguard key and not with the other two', () => {
    const keys = readdirSync(path.join(VECTORS, 'signing', 'keys')).sort();
    assert.equal(keys.length, 3);
    const a = readApkIndexArchive(read('signing/APKINDEX.tar.gz'), 'wolfi');
    assert.equal(a.signatures.length, 3);
    for (const sig of a.signatures) {
      assert.equal(sig.digest, 'sha256');
      for (const k of keys) {
        // The signature entry under the name of key k, holding the signature made by sig.keyName.
        const ring = keyring(`signing/keys/${k}`);
        const renamed = { ...sig, keyName: k };
        if (k === sig.keyName) assert.equal(verifyApkSignatures([renamed], a.signed, ring, 'wolfi'), k);
        else
          assert.throws(
            () => verifyApkSignatures([renamed], a.signed, ring, 'wolfi'),
            (e) => hasCode(e, 'SIG_BAD'),
          );
      }
    }
    const v = verifiedApkIndex(read('signing/APKINDEX.tar.gz'), keyring(`signing/keys/${keys[1]}`), 'wolfi');
    assert.equal(v.signer, keys[1]);
    const pkgs = parseApkIndex(v.index, 'wolfi/APKINDEX');
    assert.ok(pkgs.some((p) => p.name === 'glibc' && p.arch === 'aarch64'));
  });

  it('an RSA256-signed index verifies', () => {
    const v = verifiedApkIndex(
      read('rsa256-signed/APKINDEX.tar.gz'),
      keyring('rsa256-signed/test-rsa256.rsa.pub'),
      'rsa256',
    );
    assert.equal(v.signatures[0]!.digest, 'sha256');
    assert.ok(parseApkIndex(v.index, 'rsa256/APKINDEX').length > 0);
  });

  it("resolves python3's dependency graph from Alpine's index without fetching a package", () => {
    const v = verifiedApkIndex(read('alpine-316/APKINDEX.tar.gz'), keyring(ALPINE_KEY), 'alpine-316');
    const u = new ApkUniverse('x86_64').addRepository(parseApkIndex(v.index, 'APKINDEX'), 0);
    const plan = resolveApk(u, { packages: ['python3'] });
    const names = plan.packages.map((p) => p.pkg.name);
    for (const n of [
      'python3',
      'musl',
      'libffi',
      'openssl' /* via so:libssl */,
      'zlib',
      'sqlite-libs',
      'ncurses-libs',
    ]) {
      if (n === 'openssl')
        assert.ok(
          names.some((x) => x === 'libssl1.1' || x === 'libssl3'),
          names.join(' '),
        );
      else assert.ok(names.includes(n), `${n} missing from ${names.join(' ')}`);
    }
    const musl = plan.packages.find((p) => p.pkg.name === 'musl')!;
    assert.ok(
      musl.reasons.some((r) => r.includes('so:libc.musl-x86_64.so.1')),
      musl.reasons.join('; '),
    );
    // Every dependency of every chosen package is met inside the plan.
    for (const p of plan.packages) {
      for (const d of p.pkg.depends.filter((d) => !d.conflict)) {
        const ok = plan.packages.some((q) => q.pkg.name === d.name || q.pkg.provides.some((x) => x.name === d.name));
        assert.ok(ok, `${p.pkg.name}: ${d.name} unmet`);
      }
    }
    const pinned = resolveApk(u, { packages: ['python3~3.10'] });
    assert.deepEqual(
      pinned.packages.map((p) => p.pkg.name),
      names,
    );
    assert.throws(
      () => resolveApk(u, { packages: ['python3>=4'] }),
      (e) => hasCode(e, 'UNSATISFIABLE'),
    );
    assert.throws(
      () => resolveApk(u, { packages: ['pyhton3'] }),
      (e) => hasCode(e, 'PACKAGE_NOT_FOUND') && /python3/.test(e.hint ?? ''),
    );
  });

  it("rejects alpine-baselayout: its bytes do not match the index's C:", () => {
    const v = verifiedApkIndex(read('alpine-316/APKINDEX.tar.gz'), keyring(ALPINE_KEY), 'alpine-316');
    const entry = parseApkIndex(v.index, 'APKINDEX').find((p) => p.name === 'alpine-baselayout')!;
    assert.ok(entry);
    assert.throws(
      () =>
        readApk(read('alpine-316/alpine-baselayout-3.2.0-r23.apk'), 'alpine-baselayout', { checksum: entry.checksum }),
      (e) => hasCode(e, 'HASH_MISMATCH') && /C:/.test((e as Error).message),
    );
  });

  it("hello-wolfi's datahash verifies, and its files carry apk's SHA-1 checksums", () => {
    const apk = readApk(read('hello-wolfi-2.12.1-r0.apk'), 'hello-wolfi');
    assert.equal(pkgInfoValue(apk.pkginfo, 'pkgname'), 'hello-wolfi');
    assert.equal(apk.datahash, pkgInfoValue(apk.pkginfo, 'datahash'));
    assert.equal(apk.signatures[0]!.keyName, 'melange.rsa.pub');
    assert.ok(apk.data.some((e) => e.name === 'usr/bin/hello' && e.type === 'file'));
    assert.throws(
      () => readApk(read('hello-wolfi-2.12.1-r0.apk'), 'hello-wolfi', { checksum: 'Q1' + 'A'.repeat(27) + '=' }),
      (e) => hasCode(e, 'HASH_MISMATCH'),
    );
    const bytes = Buffer.from(read('hello-wolfi-2.12.1-r0.apk'));
    bytes[bytes.length - 20] ^= 0xff; // inside the data member
    assert.throws(
      () => readApk(bytes, 'hello-wolfi'),
      (e) => hasCode(e, 'HASH_MISMATCH') || hasCode(e, 'ARCHIVE_COMPRESSION'),
    );
  });
});
