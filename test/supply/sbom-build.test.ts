/**
 * SBOMs through the whole build against the signed fixture repository:
 * both files next to the layout validate against the official schemas; their
 * package set equals the plan's and the image's status.d; `pare sbom` reads
 * the same bytes back from a layout and a docker-archive; rebuilds give the
 * same bytes; --sign-key attaches SPDX, CycloneDX and SLSA provenance
 * attestations that verify, and a changed SBOM does not.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pareInProcess } from '../helpers/cli.js';
import { startFixtureRepo, type FixtureRepo } from '../helpers/repo.js';
import { attachAttestation } from '../../src/supply/attest/attest.js';
import { parseEnvelope, type Envelope } from '../../src/supply/attest/dsse.js';
import { readImageFiles } from '../../src/oci/read-image.js';
import { loadConfig } from '../../src/config/index.js';
import { hasCode } from '../../src/errors.js';
import { BlobCache } from '../../src/fetch/index.js';
import { build as buildImage } from '../../src/pipeline/build.js';
import { checkOutputs, writeOutputs } from '../../src/pipeline/outputs.js';
import { signerFromKeyFile } from '../../src/supply/sign/key-file.js';
import { DEP5, schemaValidators } from './sbom-fixtures.js';

const GPL = `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nCopyright: 2000 X\nLicense: GPL-2+\n`;

describe('SBOMs of built images', { timeout: 120_000 }, () => {
  let repo: FixtureRepo;
  let work: string;
  let cfg: string;
  const env = { PARE_PASSWORD: 'sbom-test' };

  before(async () => {
    repo = await startFixtureRepo({
      suites: {
        stable: [
          {
            name: 'base-files',
            version: '12.4',
            priority: 'required',
            files: [
              {
                path: './usr/lib/os-release',
                data: 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n',
              },
              { path: './etc/os-release', type: 'symlink', target: '../usr/lib/os-release' },
              { path: './usr/share/doc/base-files/copyright', data: GPL },
            ],
          },
          {
            name: 'libc',
            version: '2.0-1',
            control: { Source: 'glibc (2.0-1)', Maintainer: 'GNU Libc Maintainers <libc@example.invalid>' },
            files: [
              { path: './usr/lib/libc.so', data: 'libc' },
              { path: './usr/share/doc/libc/copyright', data: DEP5 },
            ],
          },
          {
            name: 'hello',
            version: '1:1.0-2',
            depends: 'libc (>= 2.0), mail-transport-agent',
            control: { Source: 'hello-src' },
            files: [{ path: './usr/bin/hello', data: 'hello', mode: 0o755 }],
          },
          {
            name: 'tiny-mta',
            version: '1.0',
            provides: 'mail-transport-agent',
            files: [{ path: './usr/sbin/sendmail', data: 'mta', mode: 0o755 }],
          },
        ],
      },
    });
    work = await mkdtemp(join(tmpdir(), 'pare-sbom-'));
    await writeFile(join(work, 'app.txt'), 'application data\n');
    cfg = join(work, 'demo.yaml');
    await writeFile(
      cfg,
      `contents:\n  repositories:\n    - url: ${repo.url}\n      suites: [stable]\n  keyring: [${repo.keyringFile}]\n  packages: [base-files, hello]\nentrypoint:\n  command: /usr/bin/hello\npaths:\n  - { path: /app/app.txt, type: file, source: app.txt }\n`,
    );
    const k = await pareInProcess(['keygen', '--output-key-prefix', join(work, 'cosign')], env);
    assert.equal(k.code, 0, k.stderr);
  });
  after(async () => {
    await repo.close();
    await rm(work, { recursive: true, force: true });
  });

  const build = async (out: string, extra: string[] = [], cache = 'cache') => {
    const r = await pareInProcess(
      ['build', cfg, '-o', join(work, out), '--cache-dir', join(work, cache), ...extra],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    return r;
  };
  const json = async (f: string) => JSON.parse(await readFile(join(work, f), 'utf8')) as Record<string, any>;

  it('writes SPDX and CycloneDX next to the layout: valid, and the same package set as the plan and status.d', async () => {
    await build('out');
    const { spdx, cyclonedx } = await schemaValidators();
    const doc = await json('out.spdx.json');
    const bom = await json('out.cdx.json');
    assert.ok(spdx(doc), JSON.stringify(spdx.errors, null, 1));
    assert.ok(cyclonedx(bom), JSON.stringify(cyclonedx.errors, null, 1));

    const plan = JSON.parse(
      (await pareInProcess(['resolve', cfg, '--json', '--cache-dir', join(work, 'cache')])).stdout,
    ) as { packages: Array<{ name: string; version: string; sha256: string }> };
    const want = plan.packages.map((p) => `${p.name}=${p.version}`).sort();
    const lockFile = join(work, 'sbom.lock.json');
    assert.equal((await pareInProcess(['lock', cfg, '-o', lockFile, '--cache-dir', join(work, 'cache')])).code, 0);
    const lock = JSON.parse(await readFile(lockFile, 'utf8')) as {
      archs: Record<string, { packages: Array<{ name: string; version: string; sha256: string }> }>;
    };
    const locked = Object.values(lock.archs)[0]!.packages;
    assert.deepEqual(locked.map((p) => `${p.name}=${p.version}`).sort(), want, 'the lock pins the same package set');
    const img = await readImageFiles(join(work, 'out'));
    const status = img.entries
      .filter((e) => e.path.startsWith('var/lib/dpkg/status.d/') && !e.path.endsWith('.md5sums'))
      .map((e) => {
        const t = Buffer.from(e.data!).toString();
        return `${/^Package: (.*)$/m.exec(t)![1]}=${/^Version: (.*)$/m.exec(t)![1]}`;
      });
    const spdxPkgs = (doc.packages as any[]).filter((p) => p.SPDXID.startsWith('SPDXRef-Package-deb-'));
    const cdxPkgs = (bom.components as any[]).filter((c) => c.type === 'library');
    assert.deepEqual(status.sort(), want);
    assert.deepEqual(spdxPkgs.map((p) => `${p.name}=${p.versionInfo}`).sort(), want);
    assert.deepEqual(cdxPkgs.map((c) => `${c.name}=${c.version}`).sort(), want);

    for (const p of locked) {
      assert.equal(spdxPkgs.find((s) => s.name === p.name).checksums[0].checksumValue, p.sha256);
      assert.equal(cdxPkgs.find((c) => c.name === p.name).hashes[0].content, p.sha256);
    }
    const libc = spdxPkgs.find((p) => p.name === 'libc');
    assert.equal(
      libc.licenseDeclared,
      'GPL-2.0-or-later AND (LGPL-2.1-or-later OR BSD-3-Clause) AND LicenseRef-Demo-Permissive AND MIT',
    );
    assert.equal(libc.sourceInfo, 'built from Debian source package glibc 2.0-1');
    assert.equal(libc.supplier, 'Organization: GNU Libc Maintainers (libc@example.invalid)');
    assert.equal(spdxPkgs.find((p) => p.name === 'tiny-mta').licenseDeclared, 'NOASSERTION');
    const hello = cdxPkgs.find((c) => c.name === 'hello');
    assert.equal(
      hello.purl,
      'pkg:deb/debian/hello@1%3A1.0-2?arch=amd64&distro=debian-12'.replace('amd64', hello.properties[0].value),
    );
    const deps = (bom.dependencies as any[]).find((d) => d.ref === hello.purl).dependsOn as string[];
    assert.deepEqual(
      deps.map((d) => d.split('@')[0]),
      ['pkg:deb/debian/libc', 'pkg:deb/debian/tiny-mta'],
    );
    const appFile = (doc.files as any[]).find((f) => f.fileName === './app/app.txt');
    assert.ok(appFile, 'config-added file listed');
    assert.equal(
      doc.creationInfo.created,
      new Date(Date.parse(img.config.created)).toISOString().replace(/\.\d+Z$/, 'Z'),
    );
    assert.match(bom.serialNumber, /^urn:uuid:/);
  });

  it('pare sbom reads the same bytes back from the layout and from a docker-archive', async () => {
    for (const [format, ext] of [
      ['spdx', 'spdx.json'],
      ['cyclonedx', 'cdx.json'],
    ] as const) {
      const r = await pareInProcess(['sbom', join(work, 'out'), '--format', format]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, await readFile(join(work, `out.${ext}`), 'utf8'));
    }
    await build('tar-out', ['--tarball', join(work, 'img.tar'), '--no-sbom']);
    const tarBuild = await pareInProcess(
      ['build', cfg, '--tarball', join(work, 'only.tar'), '--cache-dir', join(work, 'cache'), '-q'],
      env,
    );
    assert.equal(tarBuild.code, 0, tarBuild.stderr);
    const r = await pareInProcess([
      'sbom',
      join(work, 'only.tar'),
      '--format',
      'spdx',
      '-o',
      join(work, 'from-tar.spdx.json'),
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      await readFile(join(work, 'from-tar.spdx.json')),
      await readFile(join(work, 'only.tar.spdx.json')),
    );
    assert.equal((await json('from-tar.spdx.json')).name, 'pare/demo:latest');
  });

  it('--no-sbom writes none; a rebuild with an empty cache gives identical SBOM bytes', async () => {
    assert.equal(existsSync(join(work, 'tar-out.spdx.json')), false);
    assert.equal(existsSync(join(work, 'tar-out.cdx.json')), false);
    await build('out2/out', [], 'cache-2');
    assert.deepEqual(await readFile(join(work, 'out2/out.spdx.json')), await readFile(join(work, 'out.spdx.json')));
    assert.deepEqual(await readFile(join(work, 'out2/out.cdx.json')), await readFile(join(work, 'out.cdx.json')));
  });

  it('rejects a bad --format and a missing image with usage and read errors', async () => {
    const bad = await pareInProcess(['sbom', join(work, 'out'), '--format', 'xml']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /error\[USAGE\]/);
    const missing = await pareInProcess(['sbom', join(work, 'nope'), '--format', 'spdx']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /error\[IMAGE_READ\]/);
  });

  it('--sign-key attaches SPDX, CycloneDX and SLSA provenance attestations that verify', async () => {
    const r = await build('signed', ['--sign-key', join(work, 'cosign.key')]);
    const pub = join(work, 'cosign.pub');
    const v = await pareInProcess(['verify', join(work, 'signed'), '--key', pub]);
    assert.equal(v.code, 0, v.stderr);
    const envelopes: Record<string, Envelope> = {};
    for (const type of ['spdx', 'cyclonedx', 'slsaprovenance']) {
      const a = await pareInProcess(['verify-attestation', join(work, 'signed'), '--key', pub, '--type', type]);
      assert.equal(a.code, 0, `${type}: ${a.stderr}`);
      envelopes[type] = parseEnvelope(Buffer.from(a.stdout.trim().split('\n')[0]!));
    }
    const statement = (t: string) =>
      JSON.parse(Buffer.from(envelopes[t]!.payload, 'base64').toString()) as Record<string, any>;
    assert.equal(`sha256:${statement('spdx').subject[0].digest.sha256}`, r.stdout.trim());
    assert.deepEqual(statement('spdx').predicate, await json('signed.spdx.json'));
    assert.deepEqual(statement('cyclonedx').predicate, await json('signed.cdx.json'));
    const prov = statement('slsaprovenance').predicate;
    const plan = JSON.parse(
      (await pareInProcess(['resolve', cfg, '--json', '--cache-dir', join(work, 'cache')])).stdout,
    ) as { packages: Array<{ name: string; sha256: string; filename: string }> };
    assert.equal(prov.buildDefinition.externalParameters.config.digest.sha256.length, 64);
    assert.deepEqual(
      (prov.buildDefinition.resolvedDependencies as any[]).map((d) => [d.uri, d.digest.sha256]),
      plan.packages.map((p) => [`${repo.url}/${p.filename}`, p.sha256]),
    );
  });

  it('the library (build + writeOutputs) writes what `pare build` writes, and returns the paths', async () => {
    const config = await loadConfig(cfg);
    const result = await buildImage(config, { cache: new BlobCache(join(work, 'cache')), env: {} });
    const layout = join(work, 'lib', 'out'); // the same name as the CLI's -o out, so the SBOMs name the same image
    const written = await writeOutputs(result, {
      layout,
      signer: await signerFromKeyFile(join(work, 'cosign.key'), env),
    });
    assert.equal(written.digest, result.root.digest);
    assert.equal(written.layout, layout);
    assert.deepEqual(written.sboms, [`${layout}.spdx.json`, `${layout}.cdx.json`]);
    assert.equal(written.signed?.digest, result.root.digest);
    assert.equal(written.signed?.attestations.length, 3);
    // The same image and SBOM bytes as the CLI's `-o out`.
    assert.equal(written.digest, (await readImageFiles(join(work, 'out'))).digest);
    for (const ext of ['spdx.json', 'cdx.json'])
      assert.deepEqual(await readFile(`${layout}.${ext}`), await readFile(join(work, `out.${ext}`)), ext);
    const v = await pareInProcess(['verify', layout, '--key', join(work, 'cosign.pub')]);
    assert.equal(v.code, 0, v.stderr);
  });

  it('checkOutputs refuses impossible outputs before a build: no output, multi-arch tarball, signing without a layout', () => {
    const usage = (f: () => void, re: RegExp) =>
      assert.throws(f, (e: unknown) => hasCode(e, 'USAGE') && re.test((e as Error).message));
    usage(() => checkOutputs({ archs: ['amd64'] }, {}), /no output/);
    usage(
      () => checkOutputs({ archs: ['amd64', 'arm64'] }, { tarball: 'x.tar' }, 'a.yaml'),
      /a\.yaml builds amd64, arm64/,
    );
    usage(() => checkOutputs({ archs: ['amd64'] }, { tarball: 'x.tar', sign: true }), /no -o DIR/);
    checkOutputs({ archs: ['amd64', 'arm64'] }, { layout: 'out', sign: true });
  });

  it('a changed SBOM fails attestation verification (SIG_BAD)', async () => {
    const a = await pareInProcess([
      'verify-attestation',
      join(work, 'signed'),
      '--key',
      join(work, 'cosign.pub'),
      '--type',
      'spdx',
    ]);
    const env0 = parseEnvelope(Buffer.from(a.stdout.trim().split('\n')[0]!));
    const st = JSON.parse(Buffer.from(env0.payload, 'base64').toString()) as {
      predicate: { packages: Array<{ name: string; versionInfo?: string }> };
    };
    st.predicate.packages.find((p) => p.name === 'libc')!.versionInfo = '9.9-9';
    const forged: Envelope = { ...env0, payload: Buffer.from(JSON.stringify(st)).toString('base64') };
    // The same image (deterministic build), unsigned, carrying only the forged attestation.
    await cp(join(work, 'out'), join(work, 'forged'), { recursive: true });
    await attachAttestation({ dir: join(work, 'forged') }, forged);
    const v = await pareInProcess([
      'verify-attestation',
      join(work, 'forged'),
      '--key',
      join(work, 'cosign.pub'),
      '--type',
      'spdx',
    ]);
    assert.equal(v.code, 1, v.stderr);
    assert.match(v.stderr, /error\[SIG_BAD\]/);
  });
});
