/**
 * Supply-chain artifacts (signatures, attestations) attached to an image in
 * an OCI image layout, two ways at once:
 *
 * - as OCI 1.1 referrers: one manifest per artifact, with `subject` = the
 *   image and `artifactType`, config = the OCI empty descriptor. Its
 *   index.json entry has no ref.name (it is not a tag) and carries
 *   `artifactType` and the subject digest in an annotation;
 * - under cosign's tag scheme: `sha256-<hex>.sig` / `.att` name a classic
 *   cosign manifest holding every artifact of that kind as layers, so a
 *   registry push can publish the tag. These entries, and the image's own,
 *   carry cosign's `kind` annotation, which `cosign --local-image` looks for.
 *
 * Read as well: the untagged `kind` entries of a `cosign save` layout.
 *
 * Blobs are written first (content-addressed, each via a temporary name);
 * index.json is replaced last, atomically. Everything read is verified.
 */
import { randomBytes } from 'node:crypto';
import { access, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { OutputError, VerifyError } from '../errors.js';
import { digestHex, sha256 } from '../oci/digest.js';
import type { OciIndex } from '../oci/image-index.js';
import type { Descriptor, OciManifest } from '../oci/manifest.js';
import { ANNOTATION, COSIGN_KIND, isAttachmentEntry, isIndexType, MEDIA } from '../oci/media.js';

export const EMPTY_JSON = { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256('{}'), size: 2 } as const;
/** On a referrer's index.json entry: the digest it refers to. */
export const SUBJECT_ANNOTATION = 'dev.pare.referrer.subject';
export const KIND_ANNOTATION = 'kind';
export const KIND = {
  image: 'dev.cosignproject.cosign/image',
  imageIndex: 'dev.cosignproject.cosign/imageIndex',
  sig: 'dev.cosignproject.cosign/sigs',
  att: 'dev.cosignproject.cosign/atts',
} as const;

export type TagSuffix = 'sig' | 'att';

/** An OCI layout and, optionally, the tag (ref.name) of the image in it. */
export interface LayoutRef {
  dir: string;
  tag?: string;
}

export interface ArtifactLayer {
  mediaType: string;
  bytes: Buffer;
  annotations: Record<string, string>;
}

type IndexEntry = Descriptor & { artifactType?: string };
type ArtifactManifest = OciManifest & { artifactType?: string; subject?: Descriptor };

/** cosign's tag for the artifacts of `digest`: sha256-<hex>.sig / .att. */
export function cosignTag(digest: string, suffix: TagSuffix): string {
  return `sha256-${digestHex(digest)}.${suffix}`;
}

/** "DIR[:TAG]"; a DIR that itself contains ':' works when it exists as given. */
export async function parseLayoutRef(arg: string): Promise<LayoutRef> {
  const i = arg.lastIndexOf(':');
  if (i <= 0 || arg.slice(i + 1).includes('/')) return { dir: arg };
  if (await exists(path.join(arg, 'oci-layout'))) return { dir: arg };
  return { dir: arg.slice(0, i), tag: arg.slice(i + 1) };
}

/** The descriptor of the image (or index) a LayoutRef names. */
export async function resolveSubject(ref: LayoutRef): Promise<Descriptor> {
  const index = await readIndex(ref.dir);
  const entries = index.manifests ?? [];
  const tags = entries
    .map((m) => m.annotations?.[ANNOTATION.refName])
    .filter((t): t is string => t !== undefined && !isAttachmentEntry({ annotations: { [ANNOTATION.refName]: t } }));
  let found: IndexEntry[];
  if (ref.tag !== undefined) found = entries.filter((m) => m.annotations?.[ANNOTATION.refName] === ref.tag);
  else found = entries.filter((m) => !isAttachmentEntry(m));
  if (found.length !== 1) {
    const what =
      ref.tag !== undefined
        ? `no image tagged ${JSON.stringify(ref.tag)}`
        : `${found.length} images (name one as DIR:TAG)`;
    throw new OutputError('IMAGE_READ', `${path.resolve(ref.dir)} holds ${what}`, {
      hint: `tags present: ${tags.join(', ') || '(none)'}`,
    });
  }
  const d = found[0]!;
  return { mediaType: d.mediaType, digest: d.digest, size: d.size };
}

/** Attach one artifact (a single layer) to `subject` as a referrer and under its cosign tag. */
export async function attachArtifact(
  dir: string,
  subject: Descriptor,
  artifactType: string,
  layer: ArtifactLayer,
  suffix: TagSuffix,
): Promise<{ referrer: string; tag: string; tagDigest: string }> {
  const root = path.resolve(dir);
  const index = await readIndex(root);
  const layerDesc = desc(layer.mediaType, layer.bytes, layer.annotations);
  await writeBlob(root, layer.bytes);
  await writeBlob(root, Buffer.from('{}'));

  const referrer = json({
    schemaVersion: 2,
    mediaType: MEDIA.manifest,
    artifactType,
    config: { ...EMPTY_JSON },
    layers: [layerDesc],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
  });
  await writeBlob(root, referrer);

  const tag = cosignTag(subject.digest, suffix);
  const old = index.manifests.find((m) => m.annotations?.[ANNOTATION.refName] === tag);
  const layers = old ? (await readManifest(root, old)).layers : [];
  if (!layers.some((l) => l.digest === layerDesc.digest && sameAnnotations(l.annotations, layerDesc.annotations)))
    layers.push(layerDesc);
  const config = json(cosignConfig(layers));
  await writeBlob(root, config);
  const tagManifest = json({ schemaVersion: 2, mediaType: MEDIA.manifest, config: desc(MEDIA.config, config), layers });
  await writeBlob(root, tagManifest);

  const manifests: IndexEntry[] = index.manifests
    .filter((m) => m !== old)
    .map((m) => (m.digest === subject.digest && !isAttachmentEntry(m) ? withKind(m) : m));
  const tagEntry = {
    ...desc(MEDIA.manifest, tagManifest, { [ANNOTATION.refName]: tag, [KIND_ANNOTATION]: KIND[suffix] }),
  };
  manifests.push(tagEntry);
  manifests.push({
    mediaType: MEDIA.manifest,
    digest: sha256(referrer),
    size: referrer.length,
    artifactType,
    annotations: { [SUBJECT_ANNOTATION]: subject.digest },
  });
  await writeIndex(root, { ...index, manifests });
  return { referrer: sha256(referrer), tag, tagDigest: tagEntry.digest };
}

/** Every artifact layer of `artifactType` attached to `digest`, from referrers and the cosign tag, each once. */
export async function listArtifacts(
  dir: string,
  digest: string,
  artifactType: string,
  layerMediaType: string,
  suffix: TagSuffix,
): Promise<ArtifactLayer[]> {
  const root = path.resolve(dir);
  const index = await readIndex(root);
  const descs: Descriptor[] = [];
  for (const m of index.manifests) {
    if (m.artifactType !== artifactType || m.annotations?.[SUBJECT_ANNOTATION] !== digest) continue;
    const man = await readManifest(root, m);
    if (man.subject?.digest === digest && man.artifactType === artifactType) descs.push(...man.layers);
  }
  const tag = index.manifests.find((m) => m.annotations?.[ANNOTATION.refName] === cosignTag(digest, suffix));
  if (tag) descs.push(...(await readManifest(root, tag)).layers);
  // `cosign save` layouts: one image, its signatures and attestations as untagged entries of that kind.
  const kind = suffix === 'sig' ? COSIGN_KIND.sigs : COSIGN_KIND.atts;
  for (const m of index.manifests)
    if (m.annotations?.[KIND_ANNOTATION] === kind && m.annotations?.[ANNOTATION.refName] === undefined)
      descs.push(...(await readManifest(root, m)).layers);
  const seen = new Set<string>();
  const out: ArtifactLayer[] = [];
  for (const d of descs) {
    const key = `${d.digest} ${JSON.stringify(sortAnn(d.annotations))}`;
    if (d.mediaType !== layerMediaType || seen.has(key)) continue;
    seen.add(key);
    out.push({ mediaType: d.mediaType, bytes: await readBlob(root, d), annotations: d.annotations ?? {} });
  }
  return out;
}

// ---- helpers ----

function withKind(m: IndexEntry): IndexEntry {
  const kind = isIndexType(m.mediaType) ? KIND.imageIndex : KIND.image;
  return { ...m, annotations: { ...m.annotations, [KIND_ANNOTATION]: m.annotations?.[KIND_ANNOTATION] ?? kind } };
}

/** The config cosign gives its signature images: an empty image whose diff_ids are the layers. */
function cosignConfig(layers: Descriptor[]): unknown {
  const created = '0001-01-01T00:00:00Z';
  return {
    architecture: '',
    created,
    history: layers.map(() => ({ created })),
    os: '',
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
    config: {},
  };
}

const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v), 'utf8');

function sortAnn(a: Record<string, string> | undefined): Record<string, string> | undefined {
  return (
    a &&
    Object.fromEntries(
      Object.keys(a)
        .sort()
        .map((k) => [k, a[k]!]),
    )
  );
}

function sameAnnotations(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  return JSON.stringify(sortAnn(a) ?? {}) === JSON.stringify(sortAnn(b) ?? {});
}

function desc(mediaType: string, bytes: Buffer, annotations?: Record<string, string>): Descriptor {
  const d: Descriptor = { mediaType, digest: sha256(bytes), size: bytes.length };
  const a = sortAnn(annotations);
  if (a && Object.keys(a).length > 0) d.annotations = a;
  return d;
}

async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}

function blobPath(root: string, digest: string): string {
  return path.join(root, 'blobs', 'sha256', digestHex(digest));
}

export async function writeBlob(root: string, bytes: Buffer): Promise<void> {
  const file = blobPath(root, sha256(bytes));
  if (await exists(file)) return;
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.pare-tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  try {
    await writeFile(tmp, bytes, { flag: 'wx' });
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw writeError(root, e);
  }
}

export async function writeIndex(root: string, index: OciIndex): Promise<void> {
  const file = path.join(root, 'index.json');
  const tmp = `${file}.pare-tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  try {
    await writeFile(tmp, JSON.stringify(index), { flag: 'wx' });
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw writeError(root, e);
  }
}

function writeError(root: string, e: unknown): OutputError {
  return new OutputError('OUTPUT_WRITE', `cannot update ${root}: ${(e as Error)?.message ?? String(e)}`, {
    cause: e,
    hint: 'check that the layout directory is writable',
  });
}

export async function readIndex(dir: string): Promise<OciIndex & { manifests: IndexEntry[] }> {
  const root = path.resolve(dir);
  const bytes = await readFile(path.join(root, 'index.json')).catch((e: unknown) => {
    throw new OutputError('IMAGE_READ', `${root} is not an OCI image layout (no readable index.json)`, {
      cause: e,
      hint: 'pass the directory written by `pare build -o DIR`',
    });
  });
  const index = parseJson<OciIndex>(bytes, `${root}/index.json`);
  return { ...index, manifests: (index.manifests ?? []) as IndexEntry[] };
}

async function readManifest(root: string, d: Descriptor): Promise<ArtifactManifest> {
  const m = parseJson<ArtifactManifest>(await readBlob(root, d), d.digest);
  return { ...m, layers: m.layers ?? [] };
}

export async function readBlob(root: string, d: Descriptor): Promise<Buffer> {
  const bytes = await readFile(blobPath(root, d.digest)).catch((e: unknown) => {
    throw new OutputError('IMAGE_READ', `blob ${d.digest} is missing from ${root}`, {
      cause: e,
      hint: 'the layout is incomplete; write it again',
    });
  });
  const got = sha256(bytes);
  if (got !== d.digest || bytes.length !== d.size) {
    throw new VerifyError(
      'HASH_MISMATCH',
      `blob ${d.digest} in ${root}: got ${got} (${bytes.length} bytes), want ${d.digest} (${d.size} bytes)`,
      {
        hint: 'the blob was changed after it was written; sign or attest the image again',
        detail: { got, want: d.digest },
      },
    );
  }
  return bytes;
}

function parseJson<T>(bytes: Buffer, what: string): T {
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch (e) {
    throw new OutputError('IMAGE_READ', `${what} is not valid JSON`, {
      cause: e,
      hint: 'the layout is damaged; write it again',
    });
  }
}
