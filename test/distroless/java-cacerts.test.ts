/** The Java trust store pare writes in place of ca-certificates-java's hook: read back by the real keytool. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { addBaseFiles } from '../../src/distroless/base.js';
import { addJavaCacerts, JAVA_CACERTS, jksTrustStore } from '../../src/distroless/java-cacerts.js';
import { FileTree } from '../../src/tree/tree.js';
import { installed } from './fixtures.js';

const CNS = ['Zeta Root', 'Alpha Root', 'Mid (Test), CA'];

describe('Java trust store (etc/ssl/certs/java/cacerts)', () => {
  let dir: string;
  const pems: Buffer[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pare-jks-'));
    for (const cn of CNS) {
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
          join(dir, 'k.pem'),
          '-out',
          join(dir, 'c.pem'),
        ],
        { stdio: 'ignore' },
      );
      pems.push(await readFile(join(dir, 'c.pem')));
    }
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const tree = (withJre: boolean): FileTree => {
    const t = new FileTree();
    for (const d of [
      'etc',
      'etc/ssl',
      'etc/ssl/certs',
      'usr',
      'usr/share',
      'usr/share/ca-certificates',
      'usr/share/ca-certificates/mozilla',
    ])
      t.add({ path: d, type: 'dir', mode: 0o755, uid: 0, gid: 0 });
    CNS.forEach((cn, i) =>
      t.add({
        path: `usr/share/ca-certificates/mozilla/${cn}.crt`,
        type: 'file',
        mode: 0o644,
        uid: 0,
        gid: 0,
        data: pems[i],
      }),
    );
    if (withJre) {
      for (const d of [
        'usr/lib',
        'usr/lib/jvm',
        'usr/lib/jvm/jre',
        'usr/lib/jvm/jre/lib',
        'usr/lib/jvm/jre/lib/security',
      ])
        t.add({ path: d, type: 'dir', mode: 0o755, uid: 0, gid: 0 });
      t.add({
        path: 'usr/lib/jvm/jre/lib/security/cacerts',
        type: 'symlink',
        mode: 0o777,
        uid: 0,
        gid: 0,
        target: '/etc/ssl/certs/java/cacerts',
      });
    }
    return t;
  };

  it('keytool verifies the integrity digest ("changeit") and lists every certificate as a trusted entry', async () => {
    const t = tree(true);
    addBaseFiles(t, [installed('ca-certificates')]);
    const store = t.get(JAVA_CACERTS);
    assert.ok(store && store.type === 'file' && store.mode === 0o644);
    assert.equal(t.get('etc/ssl/certs/java')?.type, 'dir');
    const file = join(dir, 'cacerts');
    await writeFile(file, store.data!);
    const out = execFileSync('keytool', ['-list', '-v', '-keystore', file, '-storepass', 'changeit'], {
      encoding: 'utf8',
    });
    assert.match(out, /Keystore type: JKS/);
    assert.match(out, /Your keystore contains 3 entries/);
    assert.equal((out.match(/Entry type: trustedCertEntry/g) ?? []).length, 3);
    for (const alias of ['debian:alpha_root.pem', 'debian:mid_=test=__ca.pem', 'debian:zeta_root.pem'])
      assert.match(out, new RegExp(`Alias name: ${alias.replace(/[().]/g, '\\$&')}`));
    for (const cn of CNS)
      assert.ok(
        out.split('\n').some((l) => l.startsWith('Owner: CN=') && l.includes(cn)),
        `owner ${cn}`,
      );
    // A wrong password fails the integrity check: the digest is really computed.
    assert.throws(() =>
      execFileSync('keytool', ['-list', '-keystore', file, '-storepass', 'wrong-pw'], { stdio: 'pipe' }),
    );
  });

  it('is deterministic, and written only when a JRE links to it', () => {
    const a = tree(true);
    const b = tree(true);
    assert.equal(addJavaCacerts(a), 3);
    assert.equal(addJavaCacerts(b), 3);
    assert.deepEqual(a.get(JAVA_CACERTS)!.data, b.get(JAVA_CACERTS)!.data);
    const none = tree(false);
    assert.equal(addJavaCacerts(none), 0);
    assert.equal(none.has(JAVA_CACERTS), false);
    assert.equal(none.has('etc/ssl/certs/java'), false);
  });

  it('an empty store is well formed', () => {
    const empty = Buffer.from(jksTrustStore([]));
    assert.equal(empty.length, 12 + 20);
    assert.equal(empty.readUInt32BE(0), 0xfeedfeed);
    assert.equal(empty.readUInt32BE(8), 0);
  });
});
