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
 * All disk access goes through LayoutPath (layout-path.ts): blobs are
 * written first, index.json is replaced last, atomically; everything read
 * is verified. Which index.json entries are attachments is media.ts's
 * isAttachmentEntry.
 */
import { digestHex, sha256 } from './digest.js';
import { LayoutPath, type IndexEntry } from './layout-path.js';
import type { Descriptor, OciManifest } from './manifest.js';
import { ANNOTATION, COSIGN_KIND, isAttachmentEntry, isIndexType, MEDIA } from './media.js';

/** The OCI empty descriptor: the config of an artifact manifest. */
export const EMPTY_JSON = { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256('{}'), size: 2 } as const;

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

type ArtifactManifest = OciManifest & { artifactType?: string; subject?: Descriptor };

/** cosign's tag for the artifacts of `digest`: sha256-<hex>.sig / .att. */
export function cosignTag(digest: string, suffix: TagSuffix): string {
  return `sha256-${digestHex(digest)}.${suffix}`;
}

/** "DIR[:TAG]"; a DIR that itself contains ':' works when it exists as given. */
export async function parseLayoutRef(arg: string): Promise<LayoutRef> {
  const i = arg.lastIndexOf(':');
  if (i <= 0 || arg.slice(i + 1).includes('/')) return { dir: arg };
  if (await LayoutPath.exists(arg)) return { dir: arg };
  return { dir: arg.slice(0, i), tag: arg.slice(i + 1) };
}

/** The descriptor of the image (or index) a LayoutRef names. */
export async function resolveSubject(ref: LayoutRef): Promise<Descriptor> {
  const d = await new LayoutPath(ref.dir).select(ref.tag);
  return { mediaType: d.mediaType, digest: d.digest, size: d.size };
}

/**
 * Store a referrer of `subject`: a manifest of `artifactType` whose layers
 * are `layers` (each stored as a blob), listed in index.json with the
 * subject annotation. Idempotent; returns the referrer's digest.
 */
export async function attachReferrer(
  dir: string,
  subject: Descriptor,
  artifactType: string,
  layers: ArtifactLayer[],
  annotations?: Record<string, string>,
): Promise<string> {
  const layout = new LayoutPath(dir);
  const index = await layout.readIndex();
  const entry = await storeReferrer(layout, subject, artifactType, layers, annotations);
  if (!index.manifests.some((m) => m.digest === entry.digest)) {
    index.manifests.push(entry);
    await layout.writeIndex(index);
  }
  return entry.digest;
}

/** Attach one artifact (a single layer) to `subject` as a referrer and under its cosign tag. */
export async function attachArtifact(
  dir: string,
  subject: Descriptor,
  artifactType: string,
  layer: ArtifactLayer,
  suffix: TagSuffix,
): Promise<{ referrer: string; tag: string; tagDigest: string }> {
  const layout = new LayoutPath(dir);
  const index = await layout.readIndex();
  const referrer = await storeReferrer(layout, subject, artifactType, [layer]);
  const layerDesc = desc(layer.mediaType, layer.bytes, layer.annotations);

  const tag = cosignTag(subject.digest, suffix);
  const old = index.manifests.find((m) => m.annotations?.[ANNOTATION.refName] === tag);
  const layers = old ? (await readManifest(layout, old)).layers : [];
  if (!layers.some((l) => l.digest === layerDesc.digest && sameAnnotations(l.annotations, layerDesc.annotations)))
    layers.push(layerDesc);
  const config = await layout.writeBlob(json(cosignConfig(layers)), MEDIA.config);
  const tagManifest = await layout.writeBlob(
    json({ schemaVersion: 2, mediaType: MEDIA.manifest, config, layers }),
    MEDIA.manifest,
  );

  const manifests: IndexEntry[] = index.manifests
    .filter((m) => m !== old)
    .map((m) => (m.digest === subject.digest && !isAttachmentEntry(m) ? withKind(m) : m));
  const kind = suffix === 'sig' ? COSIGN_KIND.sigs : COSIGN_KIND.atts;
  const tagEntry = { ...tagManifest, annotations: { [ANNOTATION.cosignKind]: kind, [ANNOTATION.refName]: tag } };
  manifests.push(tagEntry, referrer);
  await layout.writeIndex({ ...index, manifests });
  return { referrer: referrer.digest, tag, tagDigest: tagEntry.digest };
}

/** Write a referrer's blobs; returns its index.json entry (not yet listed). */
async function storeReferrer(
  layout: LayoutPath,
  subject: Descriptor,
  artifactType: string,
  layers: ArtifactLayer[],
  annotations?: Record<string, string>,
): Promise<IndexEntry> {
  for (const l of layers) await layout.writeBlob(l.bytes, l.mediaType);
  await layout.writeBlob(Buffer.from('{}'), EMPTY_JSON.mediaType);
  const manifest = json({
    schemaVersion: 2,
    mediaType: MEDIA.manifest,
    artifactType,
    config: { ...EMPTY_JSON },
    layers: layers.map((l) => desc(l.mediaType, l.bytes, l.annotations)),
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    ...(annotations ? { annotations } : {}),
  });
  const d = await layout.writeBlob(manifest, MEDIA.manifest);
  return { ...d, artifactType, annotations: { [ANNOTATION.referrerSubject]: subject.digest } };
}

/** Every artifact layer of `artifactType` attached to `digest`, from referrers and the cosign tag, each once. */
export async function listArtifacts(
  dir: string,
  digest: string,
  artifactType: string,
  layerMediaType: string,
  suffix: TagSuffix,
): Promise<ArtifactLayer[]> {
  const layout = new LayoutPath(dir);
  const index = await layout.readIndex();
  const descs: Descriptor[] = [];
  for (const m of index.manifests) {
    if (m.artifactType !== artifactType || m.annotations?.[ANNOTATION.referrerSubject] !== digest) continue;
    const man = await readManifest(layout, m);
    if (man.subject?.digest === digest && man.artifactType === artifactType) descs.push(...man.layers);
  }
  const tag = index.manifests.find((m) => m.annotations?.[ANNOTATION.refName] === cosignTag(digest, suffix));
  if (tag) descs.push(...(await readManifest(layout, tag)).layers);
  // `cosign save` layouts: one image, its signatures and attestations as untagged entries of that kind.
  const kind = suffix === 'sig' ? COSIGN_KIND.sigs : COSIGN_KIND.atts;
  for (const m of index.manifests)
    if (m.annotations?.[ANNOTATION.cosignKind] === kind && m.annotations?.[ANNOTATION.refName] === undefined)
      descs.push(...(await readManifest(layout, m)).layers);
  const seen = new Set<string>();
  const out: ArtifactLayer[] = [];
  for (const d of descs) {
    const key = `${d.digest} ${JSON.stringify(sortAnn(d.annotations))}`;
    if (d.mediaType !== layerMediaType || seen.has(key)) continue;
    seen.add(key);
    out.push({ mediaType: d.mediaType, bytes: await layout.readBlob(d), annotations: d.annotations ?? {} });
  }
  return out;
}

// ---- helpers ----

function withKind(m: IndexEntry): IndexEntry {
  const kind = isIndexType(m.mediaType) ? COSIGN_KIND.imageIndex : COSIGN_KIND.image;
  const a = m.annotations ?? {};
  return { ...m, annotations: { ...a, [ANNOTATION.cosignKind]: a[ANNOTATION.cosignKind] ?? kind } };
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

async function readManifest(layout: LayoutPath, d: Descriptor): Promise<ArtifactManifest> {
  const m = await layout.readBlobJson<ArtifactManifest>(d);
  return { ...m, layers: Array.isArray(m?.layers) ? m.layers : [] };
}
