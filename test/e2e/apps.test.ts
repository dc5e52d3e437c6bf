/**
 * End to end: application dependencies from the real registries, found as
 * their clients find them (pip's index, npm's registry, the Go module
 * proxy), each program run under runc as 65532:
 * - examples/python-app: requests, PyYAML's C loader and charset-normalizer's
 *   compiled detector from locked wheels; a console script runs through
 *   /usr/bin/python3 (no shell);
 * - examples/node-app: an Express server answering a request made from
 *   inside the same container;
 * - a Go program built here with a module from the proxy, whose SBOM lists
 *   the module at its version;
 * - a JAR with Maven coordinates (pom.properties), listed in the SBOM.
 * Both examples pass `pare check`. In each image syft finds exactly the
 * application packages pare's SPDX and CycloneDX SBOMs list (issue 15).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { pare, REPO_ROOT } from '../helpers/cli.js';
import { runImage } from '../helpers/runc.js';
import { applicationPurls, syftScan } from '../helpers/syft.js';

const run = promisify(execFile);

const GO_MAIN = `package main

import (
\t"fmt"

\t"github.com/google/uuid"
)

func main() {
\tfmt.Println("uuid", uuid.NewSHA1(uuid.NameSpaceURL, []byte("pare")).String())
}
`;

// Gson comes from the Maven repository by coordinates (maven.artifacts), on the JAR's Class-Path;
// reflection keeps javac from needing it here.
const JAVA_MAIN = `package com.example.hello;
public class Main {
  public static void main(String[] args) throws Exception {
    System.out.println("hello from a jar, java " + System.getProperty("java.specification.version"));
    Object gson = Class.forName("com.google.gson.Gson").getConstructor().newInstance();
    Object json = gson.getClass().getMethod("toJson", Object.class).invoke(gson, java.util.List.of(1, "two"));
    System.out.println("gson " + json);
  }
}
`;
const GSON = {
  coordinates: 'com.google.code.gson:gson:2.11.0',
  sha256: '57928d6e5a6edeb2abd3770a8f95ba44dce45f3b23b7a9dc2b309c581552a78b',
};

interface Sbom {
  packages: Array<{
    name: string;
    versionInfo: string;
    SPDXID: string;
    externalRefs?: Array<{ referenceLocator: string }>;
    checksums?: Array<{ checksumValue: string }>;
    comment?: string;
  }>;
  relationships: Array<{ spdxElementId: string; relationshipType: string; relatedSpdxElement: string }>;
}

const purls = (s: Sbom) => s.packages.flatMap((p) => (p.externalRefs ?? []).map((r) => r.referenceLocator));

describe('e2e: application dependencies from the real registries', { timeout: 1_800_000 }, () => {
  let work: string;
  let cache: string;
  const builds = new Map<string, Promise<string>>();

  function build(name: string, config: string): Promise<string> {
    const p = (async () => {
      const layout = join(work, 'images', name);
      const r = await pare(['build', config, '-o', layout, '--cache-dir', cache, '-q'], { timeoutMs: 900_000 });
      if (r.code !== 0) throw new Error(`pare build ${config} exited ${r.code}:\n${r.stderr}`);
      return layout;
    })();
    p.catch(() => undefined);
    builds.set(name, p);
    return p;
  }

  async function derived(
    example: string,
    ctx: string,
    paths: unknown[],
    extra: Record<string, unknown>,
  ): Promise<string> {
    const doc = parse(await readFile(join(REPO_ROOT, 'examples', `${example}.yaml`), 'utf8')) as Record<
      string,
      unknown
    >;
    doc.paths = [...((doc.paths as unknown[] | undefined) ?? []), ...paths];
    Object.assign(doc, extra);
    const file = join(ctx, `${example}-app.yaml`);
    await writeFile(file, stringify(doc));
    return file;
  }

  const sbomOf = async (name: string): Promise<Sbom> =>
    JSON.parse(await readFile(`${await builds.get(name)!}.spdx.json`, 'utf8')) as Sbom;
  const run65532 = async (name: string, opts: { args?: string[]; argv?: string[] } = {}) =>
    runImage(await builds.get(name)!, { tag: 'latest', user: '65532:65532', timeoutMs: 120_000, ...opts });

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'pare-apps-'));
    cache = join(work, 'cache');
    const ctx = join(work, 'context');
    await mkdir(join(work, 'images'), { recursive: true });
    await mkdir(join(ctx, 'go'), { recursive: true });
    build('python-app', join(REPO_ROOT, 'examples', 'python-app', 'pare.yaml'));
    build('node-app', join(REPO_ROOT, 'examples', 'node-app', 'pare.yaml'));
    // A Go program with a third-party module, resolved by the go command through $GOPROXY.
    const goDir = join(ctx, 'go');
    await writeFile(
      join(goDir, 'go.mod'),
      'module example.com/hello\n\ngo 1.19\n\nrequire github.com/google/uuid v1.6.0\n',
    );
    await writeFile(join(goDir, 'main.go'), GO_MAIN);
    const goEnv = { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod' };
    await run('go', ['mod', 'tidy'], { cwd: goDir, env: goEnv });
    await run('go', ['build', '-trimpath', '-o', join(ctx, 'hello-go'), '.'], { cwd: goDir, env: goEnv });
    build(
      'go-app',
      await derived('static', ctx, [{ path: '/app/hello', type: 'file', source: 'hello-go', permissions: '0755' }], {
        entrypoint: { command: '/app/hello' },
      }),
    );
    // A JAR with Maven coordinates, as maven-jar-plugin writes them.
    const jdir = join(ctx, 'java');
    await mkdir(join(jdir, 'classes', 'META-INF', 'maven', 'com.example', 'hello'), { recursive: true });
    await mkdir(join(jdir, 'src'), { recursive: true });
    await writeFile(join(jdir, 'src', 'Main.java'), JAVA_MAIN);
    await run('javac', ['--release', '17', '-d', join(jdir, 'classes'), join(jdir, 'src', 'Main.java')]);
    await writeFile(
      join(jdir, 'classes', 'META-INF', 'maven', 'com.example', 'hello', 'pom.properties'),
      'artifactId=hello\ngroupId=com.example\nversion=1.0.0\n',
    );
    await writeFile(join(jdir, 'manifest.txt'), 'Class-Path: lib/gson-2.11.0.jar\n');
    await run('jar', [
      '--create',
      '--file',
      join(ctx, 'hello.jar'),
      '--main-class',
      'com.example.hello.Main',
      '--manifest',
      join(jdir, 'manifest.txt'),
      '-C',
      join(jdir, 'classes'),
      '.',
    ]);
    build(
      'jar-app',
      await derived('java', ctx, [{ path: '/app/hello.jar', type: 'file', source: 'hello.jar', permissions: '0644' }], {
        cmd: ['-jar', '/app/hello.jar'],
        maven: { artifacts: [GSON] },
      }),
    );
  });
  after(() => rm(work, { recursive: true, force: true }));

  it('python-app: locked wheels with compiled extensions import and run under runc; pare check passes', async () => {
    const layout = await builds.get('python-app')!;
    const check = await pare(['check', layout]);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    const r = await run65532('python-app');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^requests 2\.32\.3 prepared http:\/\/127\.0\.0\.1:8080\/\?greeting=hello$/m);
    assert.match(r.stdout, /^yaml 6\.0\.2 libyaml=True loaded/m);
    assert.match(r.stdout, /^charset_normalizer 3\.4\.0 compiled=True guessed utf_8$/m);
    // A console script generated from an entry point runs through /usr/bin/python3.
    const script = await run65532('python-app', { argv: ['/usr/local/bin/normalizer', '--version'] });
    assert.equal(script.code, 0, script.stderr);
    assert.match(script.stdout, /Charset-Normalizer .*3\.4\.0/);
    const sbom = await sbomOf('python-app');
    for (const p of [
      'pkg:pypi/requests@2.32.3',
      'pkg:pypi/pyyaml@6.0.2',
      'pkg:pypi/charset-normalizer@3.4.0',
      'pkg:pypi/urllib3@2.2.3',
    ])
      assert.ok(purls(sbom).includes(p), `${p} in the SBOM`);
    const yaml = sbom.packages.find((p) => p.name === 'pyyaml')!;
    assert.match(yaml.checksums![0]!.checksumValue, /^[0-9a-f]{64}$/);
    const py3 = sbom.packages.find((p) => p.name === 'python3')!;
    assert.ok(
      sbom.relationships.some(
        (x) =>
          x.spdxElementId === yaml.SPDXID && x.relationshipType === 'DEPENDS_ON' && x.relatedSpdxElement === py3.SPDXID,
      ),
    );
  });

  it('node-app: Express answers a request made inside the same container; pare check passes', async () => {
    const layout = await builds.get('node-app')!;
    const check = await pare(['check', layout]);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    const r = await run65532('node-app', { argv: ['/usr/bin/node', '/app/server.js', '--self-test'] });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /GET \/ -> 200 \{"hello":"from express","version":"4\.21\.2"\}/);
    const all = purls(await sbomOf('node-app'));
    assert.ok(all.includes('pkg:npm/express@4.21.2'));
    assert.ok(all.filter((p) => p.startsWith('pkg:npm/')).length > 50);
  });

  it('go: the SBOM lists the module from the Go module proxy at its version, and the program runs', async () => {
    const all = purls(await sbomOf('go-app'));
    assert.ok(
      all.includes('pkg:golang/github.com/google/uuid@v1.6.0'),
      all.filter((p) => p.startsWith('pkg:golang')).join(' '),
    );
    assert.ok(all.includes('pkg:golang/example.com/hello'));
    const main = (await sbomOf('go-app')).packages.find((p) => p.name === 'example.com/hello')!;
    assert.match(main.comment ?? '', /go:version=go1\.\d+/);
    assert.match(main.comment ?? '', /go:build:-trimpath=true/);
    assert.match(main.comment ?? '', /go:build:CGO_ENABLED=0/);
    const r = await run65532('go-app');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^uuid [0-9a-f-]{36}$/m);
  });

  it('java: the SBOM lists the JAR and Gson (fetched by coordinates from the Maven repository) and java -jar runs them', async () => {
    const sbom = await sbomOf('jar-app');
    assert.ok(purls(sbom).includes('pkg:maven/com.example/hello@1.0.0'));
    assert.ok(purls(sbom).includes('pkg:maven/com.google.code.gson/gson@2.11.0'));
    const gson = sbom.packages.find((p) => p.name === 'com.google.code.gson:gson')!;
    assert.deepEqual(
      gson.checksums?.map((c) => c.checksumValue),
      [GSON.sha256],
    );
    assert.ok(
      sbom.relationships.some(
        (x) =>
          x.spdxElementId === gson.SPDXID &&
          x.relationshipType === 'DEPENDS_ON' &&
          /openjdk-17-jre-headless/.test(x.relatedSpdxElement),
      ),
      'Gson depends on the JRE',
    );
    const r = await run65532('jar-app');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /hello from a jar, java 17/);
    assert.match(r.stdout, /^gson \[1,"two"\]$/m);
  });

  for (const name of ['python-app', 'node-app', 'go-app', 'jar-app']) {
    it(`${name}: syft finds exactly the application packages of pare's SBOMs`, async (t) => {
      const layout = await builds.get(name)!;
      const json = async <T>(file: string): Promise<T> => JSON.parse(await readFile(file, 'utf8')) as T;
      const found = applicationPurls(
        await syftScan(layout),
        await json(`${layout}.spdx.json`),
        await json(`${layout}.cdx.json`),
      );
      t.diagnostic(`syft: ${found.syft.length} application packages`);
      assert.deepEqual(found.spdx, found.syft, 'SPDX vs syft');
      assert.deepEqual(found.cyclonedx, found.syft, 'CycloneDX vs syft');
    });
  }
});
