/**
 * Test helper: one image validator reused for every sink. Given an OCI layout
 * and a tag, it checks with skopeo (`inspect --raw`, `inspect --config` on
 * oci:DIR:TAG) and by hand that every blob file matches its descriptor
 * (sha256 + size) and that every diff_id is the sha256 of the uncompressed
 * layer. Works for a tag naming an image or an image index.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { buildLayer } from '../../src/oci/layer.js';
import { makeImage, type Image } from '../../src/oci/manifest.js';
import type { ImageConfigOptions } from '../../src/oci/config.js';
import type { TreeEntry } from '../../src/tree/types.js';
import { staticBinary } from './static-bin.js';
import { run } from './tools.js';

export interface ValidatedImage {
  /** Digest of what the tag names (manifest or index). */
  digest: string;
  /** The manifest skopeo resolved for this host's platform. */
  manifest: { config: { digest: string; size: number }; layers: { digest: string; size: number; mediaType: string }[] };
  config: {
    architecture: string;
    os: string;
    config: Record<string, unknown>;
    rootfs: { diff_ids: string[] };
    history?: unknown[];
  };
  /** Digests of all manifests checked (one, or one per index entry). */
  manifests: string[];
}

export async function skopeo(args: string[]): Promise<string> {
  const { stdout } = await run('skopeo', args, { maxBuffer: 64 << 20 });
  return stdout;
}

const sha = (b: Uint8Array): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function blob(dir: string, d: { digest: string; size: number }): Promise<Buffer> {
  const bytes = await readFile(path.join(dir, 'blobs', 'sha256', d.digest.replace(/^sha256:/, '')));
  assert.equal(bytes.length, d.size, `size of ${d.digest}`);
  assert.equal(sha(bytes), d.digest, `content of ${d.digest}`);
  return bytes;
}

async function checkManifest(dir: string, bytes: Buffer): Promise<ValidatedImage['config']> {
  const m = JSON.parse(bytes.toString()) as ValidatedImage['manifest'];
  const config = JSON.parse((await blob(dir, m.config)).toString()) as ValidatedImage['config'];
  assert.equal(config.rootfs.diff_ids.length, m.layers.length, 'one diff_id per layer');
  for (const [i, l] of m.layers.entries()) {
    const data = await blob(dir, l);
    const tar = l.mediaType.endsWith('+gzip') ? gunzipSync(data) : data;
    assert.equal(sha(tar), config.rootfs.diff_ids[i], `diff_id of layer ${i}`);
  }
  return config;
}

export async function validateImage(layoutDir: string, tag: string): Promise<ValidatedImage> {
  const ref = `oci:${layoutDir}:${tag}`;
  const raw = Buffer.from(await skopeo(['inspect', '--raw', ref]));
  const index = JSON.parse(await readFile(path.join(layoutDir, 'index.json'), 'utf8')) as {
    manifests: { digest: string; size: number; mediaType: string; annotations?: Record<string, string> }[];
  };
  const entry = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag);
  assert.ok(entry, `index.json has an entry for ${tag}`);
  // skopeo prints the raw bytes; they must be exactly the blob index.json names.
  assert.equal(sha(raw), entry.digest, 'skopeo --raw digest = index.json digest');
  assert.deepEqual(await blob(layoutDir, entry), raw);

  const top = JSON.parse(raw.toString()) as { mediaType: string; manifests?: { digest: string; size: number }[] };
  const manifests: string[] = [];
  if (top.manifests) {
    for (const d of top.manifests) {
      await checkManifest(layoutDir, await blob(layoutDir, d));
      manifests.push(d.digest);
    }
  } else {
    await checkManifest(layoutDir, raw);
    manifests.push(entry.digest);
  }

  // skopeo resolves an index to this host's platform; --config must be a blob we wrote.
  const configText = await skopeo(['inspect', '--config', ref]);
  const config = JSON.parse(configText) as ValidatedImage['config'];
  const manifest = top.manifests
    ? await findManifestFor(layoutDir, top.manifests, config)
    : (JSON.parse(raw.toString()) as ValidatedImage['manifest']);
  const configBytes = await blob(layoutDir, manifest.config);
  assert.deepEqual(JSON.parse(configBytes.toString()), config, 'skopeo --config = config blob');
  return { digest: entry.digest, manifest, config, manifests };
}

async function findManifestFor(
  dir: string,
  list: { digest: string; size: number }[],
  config: ValidatedImage['config'],
): Promise<ValidatedImage['manifest']> {
  for (const d of list) {
    const m = JSON.parse((await blob(dir, d)).toString()) as ValidatedImage['manifest'];
    const c = JSON.parse((await blob(dir, m.config)).toString()) as ValidatedImage['config'];
    if (JSON.stringify(c) === JSON.stringify(config)) return m;
  }
  assert.fail('skopeo --config returned a config no manifest in the index points to');
}

// ---- fixtures: a tiny runnable image around the static probe binary ----

export const FIXED_TIME = 1_700_000_000; // 2023-11-14T22:13:20Z

const dir = (p: string, mode = 0o755, uid = 0): TreeEntry => ({ path: p, type: 'dir', mode, uid, gid: uid });
const file = (p: string, data: string | Uint8Array, mode = 0o644, uid = 0): TreeEntry => ({
  path: p,
  type: 'file',
  mode,
  uid,
  gid: uid,
  data: typeof data === 'string' ? Buffer.from(data) : data,
});

/** A minimal root: /bin/probe (static), /etc/hello, passwd/group with nonroot 65532, /tmp, /home/nonroot. */
export async function probeTree(): Promise<TreeEntry[]> {
  const bin = await staticBinary();
  return [
    dir('bin'),
    file('bin/probe', bin, 0o755),
    dir('etc'),
    file('etc/hello', 'hello from the image\n'),
    file('etc/secret', 'for nonroot only\n', 0o600, 65532),
    file(
      'etc/passwd',
      'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n',
    ),
    file('etc/group', 'root:x:0:\nnonroot:x:65532:\n'),
    dir('home'),
    dir('home/nonroot', 0o700, 65532),
    dir('root', 0o700),
    dir('tmp', 0o1777),
  ];
}

/** The probe image: Entrypoint /bin/probe, Cmd prints /etc/hello. */
export async function probeImage(config: Partial<ImageConfigOptions> = {}, entries?: TreeEntry[]): Promise<Image> {
  const layer = await buildLayer(entries ?? (await probeTree()), { mtime: FIXED_TIME });
  return makeImage({
    layers: [layer],
    config: {
      architecture: 'amd64',
      created: FIXED_TIME,
      entrypoint: ['/bin/probe'],
      cmd: ['@/etc/hello'],
      workingDir: '/tmp',
      ...config,
    },
    history: ['pare test: probe'],
  });
}
