import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasCode } from '../../src/errors.js';
import { DEFAULT_PATH, makeConfig, platformFor, rfc3339 } from '../../src/oci/config.js';
import { sha256 } from '../../src/oci/digest.js';

const layers = [
  { diffId: `sha256:${'a'.repeat(64)}`, createdBy: 'pare: base files' },
  { diffId: `sha256:${'b'.repeat(64)}` },
];

describe('makeConfig', () => {
  it('writes every field, in a fixed key order, with no whitespace', () => {
    const { config, bytes, digest } = makeConfig(
      {
        architecture: 'arm64',
        created: 1_700_000_000,
        entrypoint: ['/usr/bin/app', '--serve'],
        cmd: ['--port', '8080'],
        env: { LANG: 'C.UTF-8', SSL_CERT_FILE: '/etc/ssl/certs/ca-certificates.crt' },
        workingDir: '/home/nonroot',
        user: '65532:65532',
        labels: { 'z.last': '1', 'a.first': '2' },
        exposedPorts: ['8080', '53/udp'],
        stopSignal: 'SIGTERM',
      },
      layers,
    );
    assert.equal(digest, sha256(bytes));
    assert.equal(
      bytes.toString(),
      JSON.stringify({
        created: '2023-11-14T22:13:20Z',
        architecture: 'arm64',
        os: 'linux',
        variant: 'v8',
        config: {
          User: '65532:65532',
          ExposedPorts: { '53/udp': {}, '8080/tcp': {} },
          Env: [`PATH=${DEFAULT_PATH}`, 'LANG=C.UTF-8', 'SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt'],
          Entrypoint: ['/usr/bin/app', '--serve'],
          Cmd: ['--port', '8080'],
          WorkingDir: '/home/nonroot',
          Labels: { 'a.first': '2', 'z.last': '1' },
          StopSignal: 'SIGTERM',
        },
        rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
        history: [
          { created: '2023-11-14T22:13:20Z', created_by: 'pare: base files' },
          { created: '2023-11-14T22:13:20Z', created_by: 'pare: layer 2' },
        ],
      }),
    );
    assert.equal(config.config.Labels?.['a.first'], '2');
    assert.doesNotMatch(bytes.toString(), /\s"|":\s/);
  });

  it('is byte-identical whatever the key order of the input maps', () => {
    const base = { architecture: 'amd64', created: 0 };
    const a = makeConfig({ ...base, labels: { x: '1', y: '2' } }, layers);
    const b = makeConfig({ ...base, labels: { y: '2', x: '1' } }, layers);
    assert.equal(a.digest, b.digest);
  });

  it('omits what was not given, keeps a given PATH, and has no variant on amd64', () => {
    const { config } = makeConfig({ architecture: 'amd64', created: 0, env: ['PATH=/app', 'A=b=c'] }, []);
    assert.deepEqual(config.config, { Env: ['PATH=/app', 'A=b=c'] });
    assert.equal(config.variant, undefined);
    assert.equal(config.created, '1970-01-01T00:00:00Z');
    assert.deepEqual(config.rootfs, { type: 'layers', diff_ids: [] });
    assert.deepEqual(config.history, []);
  });

  it('rejects bad ports, env entries and architectures with USAGE', () => {
    const base = { architecture: 'amd64', created: 0 };
    assert.throws(
      () => makeConfig({ ...base, exposedPorts: ['http'] }, []),
      (e) => hasCode(e, 'USAGE'),
    );
    assert.throws(
      () => makeConfig({ ...base, exposedPorts: ['70000'] }, []),
      (e) => hasCode(e, 'USAGE'),
    );
    assert.throws(
      () => makeConfig({ ...base, env: ['NOEQUALS'] }, []),
      (e) => hasCode(e, 'USAGE'),
    );
    assert.throws(
      () => makeConfig({ ...base, architecture: 'vax' }, []),
      (e) => hasCode(e, 'USAGE'),
    );
  });
});

describe('platformFor', () => {
  it('maps Debian architecture names to OCI platforms', () => {
    assert.deepEqual(platformFor('amd64'), { architecture: 'amd64', os: 'linux' });
    assert.deepEqual(platformFor('arm64'), { architecture: 'arm64', os: 'linux', variant: 'v8' });
    assert.deepEqual(platformFor('armhf'), { architecture: 'arm', os: 'linux', variant: 'v7' });
    assert.deepEqual(platformFor('armel'), { architecture: 'arm', os: 'linux', variant: 'v5' });
    assert.deepEqual(platformFor('i386'), { architecture: '386', os: 'linux' });
    assert.deepEqual(platformFor('ppc64el'), { architecture: 'ppc64le', os: 'linux' });
    assert.deepEqual(platformFor('arm64', 'linux', 'v9'), { architecture: 'arm64', os: 'linux', variant: 'v9' });
  });
});

describe('rfc3339', () => {
  it('formats epoch seconds without fractions', () => {
    assert.equal(rfc3339(1_700_000_000), '2023-11-14T22:13:20Z');
    assert.equal(rfc3339(1_700_000_000.9), '2023-11-14T22:13:20Z');
  });
});
