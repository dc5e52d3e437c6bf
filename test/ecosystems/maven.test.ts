/**
 * Maven artifacts by coordinates: the repository found as Maven finds it
 * (settings.xml mirrors of central, then the installed Maven's super POM),
 * JARs fetched from a repository on 127.0.0.1, verified by sha256, placed in
 * the application layer, listed in schema-valid SBOMs and pinned in the lock.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findMavenRepository } from '../../src/ecosystems/maven/repository.js';
import { mirrorFor, parseMirrors, superPomRepository } from '../../src/ecosystems/maven/settings.js';
import { pareInProcess } from '../helpers/cli.js';
import { startFixtureRepo, type FixtureRepo } from '../helpers/repo.js';
import { layers, makeZip, RUNTIME_PACKAGES, sha256, startAppServer, type AppServer } from '../helpers/apps.js';
import { tempDirs } from '../helpers/tmp.js';
import { schemaValidators } from '../supply/sbom-fixtures.js';

const tmp = tempDirs('pare-maven-');

const settings = (mirrors: string) => `<?xml version="1.0"?>
<settings>
  <!-- <mirrors><mirror><id>commented</id><mirrorOf>*</mirrorOf><url>http://127.0.0.9/</url></mirror></mirrors> -->
  <mirrors>${mirrors}</mirrors>
</settings>
`;
const mirror = (id: string, of: string, url: string, extra = '') =>
  `<mirror><id>${id}</id><mirrorOf>${of}</mirrorOf><url>${url}</url>${extra}</mirror>`;
const SUPER_POM = (url: string) =>
  `<project><repositories><repository><id>central</id><name>Central</name><url>${url}</url></repository></repositories></project>`;

/** A Maven installation with only what pare reads: conf/settings.xml and the super POM's JAR. */
async function fakeMaven(dir: string, central: string, global = ''): Promise<string> {
  await mkdir(join(dir, 'lib'), { recursive: true });
  await mkdir(join(dir, 'conf'), { recursive: true });
  await writeFile(
    join(dir, 'lib', 'maven-model-builder-3.9.0.jar'),
    makeZip([{ name: 'org/apache/maven/model/pom-4.0.0.xml', data: SUPER_POM(central) }]),
  );
  await writeFile(join(dir, 'conf', 'settings.xml'), settings(global));
  return dir;
}

describe('maven settings', () => {
  it('reads mirrors (comments ignored, ${env.X} and ${user.home} expanded)', () => {
    const got = parseMirrors(
      settings(mirror('corp', 'central', 'https://${env.MIRROR_HOST}/m2', '<blocked>false</blocked>')),
      { MIRROR_HOST: 'mirror.example' },
      '/home/u',
    );
    assert.deepEqual(got, [{ id: 'corp', mirrorOf: 'central', url: 'https://mirror.example/m2', blocked: false }]);
    assert.equal(superPomRepository(SUPER_POM('https://central.example/m2')), 'https://central.example/m2');
  });

  it('picks the mirror Maven picks: exact id first, then patterns with exclusions', () => {
    const m = (id: string, of: string) => ({ id, mirrorOf: of, url: `https://${id}.example/`, blocked: false });
    const https = 'https://central.example/m2';
    assert.equal(mirrorFor([m('all', '*'), m('exact', 'central')], 'central', https)?.id, 'exact');
    assert.equal(mirrorFor([m('not', '*,!central'), m('ext', 'external:*')], 'central', https)?.id, 'ext');
    assert.equal(mirrorFor([m('http', 'external:http:*')], 'central', https), undefined);
    assert.equal(mirrorFor([m('ext', 'external:*')], 'central', 'http://localhost:8081/'), undefined);
    assert.equal(mirrorFor([m('list', 'other, central')], 'central', https)?.id, 'list');
  });

  it('finds the repository: config, user mirror, global mirror, super POM; errors name the fix', async () => {
    const dir = await tmp();
    const home = join(dir, 'home');
    const mvn = await fakeMaven(join(dir, 'maven'), 'https://central.example/m2/');
    const env = { HOME: home, MAVEN_HOME: mvn, PATH: '' };
    assert.equal(await findMavenRepository(env), 'https://central.example/m2');
    assert.equal(await findMavenRepository(env, 'https://explicit.example/r/'), 'https://explicit.example/r');
    await fakeMaven(mvn, 'https://central.example/m2/', mirror('global', '*', 'https://global.example/m2'));
    assert.equal(await findMavenRepository(env), 'https://global.example/m2');
    await mkdir(join(home, '.m2'), { recursive: true });
    await writeFile(join(home, '.m2', 'settings.xml'), settings(mirror('user', 'central', '${user.home}/no')));
    await assert.rejects(findMavenRepository(env), /mirror "user" of central has url "\/.*\/home\/no", not http/);
    await writeFile(join(home, '.m2', 'settings.xml'), settings(mirror('user', 'central', 'https://user.example/')));
    assert.equal(await findMavenRepository(env), 'https://user.example');
    await writeFile(
      join(home, '.m2', 'settings.xml'),
      settings(mirror('user', 'central', 'https://user.example/', '<blocked>true</blocked>')),
    );
    await assert.rejects(findMavenRepository(env), /mirror "user" of central is blocked/);
    await assert.rejects(findMavenRepository({ HOME: join(dir, 'nobody'), PATH: '' }), /no Maven is installed/);
  });
});

describe('maven artifacts in a build', { timeout: 120_000 }, () => {
  let repo: FixtureRepo;
  let server: AppServer;
  let work: string;
  let mvnHome: string;
  let n = 0;
  const lib = makeZip([
    { name: 'META-INF/MANIFEST.MF', data: 'Manifest-Version: 1.0\r\n\r\n' },
    { name: 'com/acme/Lib.class', data: Buffer.from([0xca, 0xfe, 0xba, 0xbe]) },
    { name: 'META-INF/maven/com.acme/lib/pom.properties', data: 'groupId=com.acme\nartifactId=lib\nversion=1.2.0\n' },
    {
      name: 'META-INF/maven/com.acme/lib/pom.xml',
      data: '<project><licenses><license><name>Apache License, Version 2.0</name></license></licenses></project>',
    },
  ]);
  const bare = makeZip([{ name: 'org/x/Bare.class', data: 'x' }]);

  before(async () => {
    repo = await startFixtureRepo({ suites: { stable: RUNTIME_PACKAGES } });
    server = await startAppServer();
    server.maven.set('com/acme/lib/1.2.0/lib-1.2.0.jar', lib);
    server.maven.set('org/x/bare/0.1/bare-0.1-tests.jar', bare);
    work = await tmp();
    // central as the installed Maven names it; the user's settings mirror it to 127.0.0.1.
    mvnHome = await fakeMaven(join(work, 'maven'), 'https://central.example/m2');
    await mkdir(join(work, 'home', '.m2'), { recursive: true });
    await writeFile(
      join(work, 'home', '.m2', 'settings.xml'),
      settings(mirror('local', 'external:*', `${server.url}/maven2`)),
    );
  });
  after(async () => {
    await repo.close();
    await server.close();
  });

  const env = () => ({ HOME: join(work, 'home'), MAVEN_HOME: mvnHome });

  async function build(artifacts: string, cmd = 'build') {
    const dir = join(work, `case-${++n}`);
    await mkdir(dir);
    await writeFile(
      join(dir, 'pare.yaml'),
      `contents:\n  repositories:\n    - url: ${repo.url}\n      suites: [stable]\n  keyring: [${repo.keyringFile}]\n  packages: [openjdk-17-jre-headless]\nmaven:\n  artifacts:\n${artifacts}entrypoint:\n  command: /usr/lib/jvm/java-17-openjdk-amd64/bin/java\n`,
    );
    const out = join(dir, 'out');
    const args = cmd === 'build' ? ['-o', out] : [];
    const r = await pareInProcess(
      [cmd, join(dir, 'pare.yaml'), ...args, '--cache-dir', join(work, `cache-${n}`)],
      env(),
    );
    return { ...r, out, dir };
  }
  const art = (coords: string, digest: string) => `    - coordinates: ${coords}\n      sha256: ${digest}\n`;

  it('fetches each JAR through the mirror, verified, into /app/lib in its own layer; schema-valid SBOMs list them', async () => {
    const r = await build(art('com.acme:lib:1.2.0', sha256(lib)) + art('org.x:bare:0.1:tests', sha256(bare)));
    assert.equal(r.code, 0, r.stderr);
    const [os, app] = await layers(r.out);
    assert.ok(!os!.has('app/lib/lib-1.2.0.jar'));
    assert.deepEqual(Buffer.from(app!.get('app/lib/lib-1.2.0.jar')!.data), lib);
    assert.equal(app!.get('app/lib/lib-1.2.0.jar')!.mode & 0o777, 0o644);
    assert.ok(app!.has('app/lib/bare-0.1-tests.jar'));
    const spdx = JSON.parse(await readFile(`${r.out}.spdx.json`, 'utf8')) as Record<string, any>;
    const cdx = JSON.parse(await readFile(`${r.out}.cdx.json`, 'utf8')) as Record<string, any>;
    const v = await schemaValidators();
    assert.ok(v.spdx(spdx), JSON.stringify(v.spdx.errors));
    assert.ok(v.cyclonedx(cdx), JSON.stringify(v.cyclonedx.errors));
    const c = (cdx.components as Array<Record<string, any>>).find((x) => x.purl === 'pkg:maven/com.acme/lib@1.2.0')!;
    assert.ok(c, 'pkg:maven from the coordinates');
    assert.deepEqual(c.hashes, [{ alg: 'SHA-256', content: sha256(lib) }]);
    assert.equal(c.licenses[0].expression, 'Apache-2.0');
    const jre = (cdx.components as Array<Record<string, any>>).find((x) => x.name === 'openjdk-17-jre-headless')!;
    const deps = cdx.dependencies as Array<{ ref: string; dependsOn: string[] }>;
    assert.deepEqual(deps.find((d) => d.ref === c['bom-ref'])!.dependsOn, [jre['bom-ref']]);
    const bareRef = (spdx.packages as Array<Record<string, any>>).find((p) => p.name === 'org.x:bare')!;
    assert.equal(bareRef.versionInfo, '0.1');
    assert.ok(
      (spdx.relationships as Array<Record<string, string>>).some(
        (x) => x.relationshipType === 'CONTAINS' && x.relatedSpdxElement === bareRef.SPDXID,
      ),
      'the image contains it',
    );
  });

  it('pins every JAR digest in the lock file (no repository URL)', async () => {
    const r = await build(art('com.acme:lib:1.2.0', sha256(lib)), 'lock');
    assert.equal(r.code, 0, r.stderr);
    const text = await readFile(join(r.dir, 'pare.lock.json'), 'utf8');
    const lock = JSON.parse(text) as { archs: Record<string, { applications: unknown[] }> };
    assert.deepEqual(lock.archs.amd64!.applications, [
      { ecosystem: 'maven', file: 'lib-1.2.0.jar', sha256: sha256(lib) },
    ]);
    assert.ok(!text.includes(server.url));
  });

  it('fails on a JAR whose bytes are not the pinned ones, leaving no output', async () => {
    server.tamper.set('lib-1.2.0.jar', Buffer.concat([lib, Buffer.from('x')]));
    try {
      const r = await build(art('com.acme:lib:1.2.0', sha256(lib)));
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /error\[HASH_MISMATCH\]/);
      assert.match(r.stderr, /lib-1\.2\.0\.jar/);
      assert.equal(existsSync(r.out), false);
    } finally {
      server.tamper.delete('lib-1.2.0.jar');
    }
  });

  it('refuses malformed coordinates in the config', async () => {
    const r = await build(art('com.acme:lib', sha256(lib)));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /GROUP:ARTIFACT:VERSION/);
  });
});
