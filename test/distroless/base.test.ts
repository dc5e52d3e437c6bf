/** Generated base files: CA bundle (real certificates from openssl), os-release, nsswitch.conf, directories. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { accountsFor } from '../../src/distroless/accounts.js';
import { addAccounts, addBaseFiles } from '../../src/distroless/base.js';
import { CA_BUNDLE, concatCertificates, pemName } from '../../src/distroless/ca-bundle.js';
import { markOsRelease } from '../../src/distroless/os-release.js';
import type { Config } from '../../src/config/types.js';
import { FileTree } from '../../src/tree/tree.js';
import { installed } from './fixtures.js';

const dec = new TextDecoder();
const OS_RELEASE =
  'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n';

describe('distroless base files', () => {
  let dir: string;
  const certs: Buffer[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pare-ca-'));
    for (const cn of ['Zeta Root', 'Alpha Root', 'Mid (Test), CA']) {
      const key = join(dir, 'k.pem');
      const crt = join(dir, 'c.pem');
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:P-256',
          '-nodes',
          '-subj',
          `/CN=${cn}`,
          '-days',
          '1',
          '-keyout',
          key,
          '-out',
          crt,
        ],
        { stdio: 'ignore' },
      );
      certs.push(await readFile(crt));
    }
  });
  after(() => rm(dir, { recursive: true, force: true }));

  function caTree(): FileTree {
    const t = new FileTree();
    const names = ['mozilla/Zeta_Root.crt', 'mozilla/Alpha_Root.crt', 'mozilla/Mid_(Test),_CA.crt'];
    t.addPackage(
      'ca-certificates',
      names.map((n, i) => ({
        name: `./usr/share/ca-certificates/${n}`,
        linkname: '',
        type: 'file' as const,
        typeflag: '0',
        mode: 0o644,
        uid: 0,
        gid: 0,
        mtime: 0,
        // the last one without its final newline, as some certificates are shipped
        data: i === 2 ? certs[i]!.subarray(0, certs[i]!.length - 1) : certs[i]!,
      })),
    );
    t.add({ path: 'etc/ssl/certs', type: 'dir', mode: 0o755, uid: 0, gid: 0 });
    return t;
  }

  it('builds the CA bundle sorted by path, each certificate ending with a newline, and the .pem links', async () => {
    const t = caTree();
    const r = addBaseFiles(t, [installed('ca-certificates', '20230311')]);
    assert.equal(r.certificates, 3);
    const bundle = Buffer.from(t.get(CA_BUNDLE)!.data!);
    assert.deepEqual(bundle, Buffer.concat([certs[1]!, certs[2]!, certs[0]!]), 'Alpha, Mid, Zeta');
    assert.equal(t.get(CA_BUNDLE)!.mode, 0o644);
    // openssl reads every certificate of the bundle
    await writeFile(join(dir, 'bundle.crt'), bundle);
    const subjects = execFileSync('openssl', [
      'storeutl',
      '-noout',
      '-text',
      '-certs',
      join(dir, 'bundle.crt'),
    ]).toString();
    assert.equal((subjects.match(/Subject: CN ?= ?/g) ?? []).length, 3);
    assert.equal(t.get('etc/ssl/certs/Alpha_Root.pem')?.target, '/usr/share/ca-certificates/mozilla/Alpha_Root.crt');
    assert.equal(pemName('mozilla/Mid_(Test),_CA.crt'), 'Mid_=Test=__CA.pem');
    assert.ok(t.has('etc/ssl/certs/Mid_=Test=__CA.pem'));
    // without the package: no bundle
    const u = caTree();
    assert.equal(addBaseFiles(u, [installed('libc6')]).certificates, 0);
    assert.equal(u.has(CA_BUNDLE), false);
  });

  it('concatenation adds only missing newlines', () => {
    const enc = new TextEncoder();
    assert.equal(dec.decode(concatCertificates([enc.encode('a\n'), enc.encode('b'), enc.encode('')])), 'a\nb\n');
  });

  it('marks os-release as built by pare, keeping ID, VERSION_ID and VERSION_CODENAME; keeps the symlink and debian_version', () => {
    const t = new FileTree();
    const f = (name: string, data: string) => ({
      name,
      linkname: '',
      type: 'file' as const,
      typeflag: '0',
      mode: 0o644,
      uid: 0,
      gid: 0,
      mtime: 0,
      data: new TextEncoder().encode(data),
    });
    t.addPackage('base-files', [
      f('./usr/lib/os-release', OS_RELEASE),
      { ...f('./etc/os-release', ''), type: 'symlink', linkname: '../usr/lib/os-release' },
      f('./etc/debian_version', '12.4\n'),
    ]);
    assert.equal(addBaseFiles(t, [installed('base-files', '12.4')]).osRelease, true);
    assert.equal(t.get('etc/os-release')?.type, 'symlink');
    const text = dec.decode(t.resolve('etc/os-release')!.data);
    assert.match(text, /^PRETTY_NAME="Distroless \(pare\) Debian GNU\/Linux 12 \(bookworm\)"$/m);
    for (const l of ['ID=debian', 'VERSION_ID="12"', 'VERSION_CODENAME=bookworm', 'NAME="Debian GNU/Linux"'])
      assert.ok(text.split('\n').includes(l), l);
    assert.equal(dec.decode(t.get('etc/debian_version')!.data), '12.4\n');
    assert.equal(markOsRelease(text), text, 'idempotent');
    assert.match(markOsRelease('NAME=Foo\nID=foo\n'), /^PRETTY_NAME="Distroless \(pare\) Foo"\n/);
  });

  it('writes nsswitch.conf, status.d and the account directories', () => {
    const t = new FileTree();
    addAccounts(t, accountsFor({ accounts: { users: [], groups: [] }, file: 'x' } as unknown as Config));
    addBaseFiles(t, [installed('libc6', '2.36-9')]);
    const ns = dec.decode(t.get('etc/nsswitch.conf')!.data);
    assert.match(ns, /^passwd: +files$/m);
    assert.match(ns, /^hosts: +files dns$/m);
    const mode = (p: string) => [t.get(p)!.mode, t.get(p)!.uid, t.get(p)!.gid];
    assert.deepEqual(mode('tmp'), [0o1777, 0, 0]);
    assert.deepEqual(mode('root'), [0o700, 0, 0]);
    assert.deepEqual(mode('home/nonroot'), [0o700, 65532, 65532]);
    assert.ok(t.has('var/lib/dpkg/status.d/libc6'));
    assert.ok(t.has('var/lib/dpkg/status.d/libc6.md5sums'));
  });
});
