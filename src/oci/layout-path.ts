/**
 * An OCI image layout on disk, as one object (go-containerregistry's
 * layout.Path is the model): the one place that knows blob paths, reads
 * index.json, reads blobs verified, writes blobs and index.json atomically,
 * and picks the entry a tag or digest names.
 *
 * Errors, the same whoever asks: something missing, unreadable or not JSON
 * is IMAGE_READ; a blob whose bytes do not match its descriptor is
 * HASH_MISMATCH; a failed write is OUTPUT_WRITE. Writes never leave a
 * partial file: blobs are content-addressed and written via a temporary
 * name, index.json is replaced last, atomically.
 */
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { OutputError, VerifyError } from '../errors.js';
import { digestHex, sha256 } from './digest.js';
import type { OciIndex } from './image-index.js';
import type { Descriptor } from './manifest.js';
import { ANNOTATION, isAttachmentEntry } from './media.js';
import { writeFileAtomic } from '../util/atomic.js';

/** An index.json entry: a descriptor, with the artifactType of an OCI 1.1 artifact. */
export type IndexEntry = Descriptor & { artifactType?: string };
export type LayoutIndex = Omit<OciIndex, 'manifests'> & { manifests: IndexEntry[] };

const DIGEST = /^sha256:[0-9a-f]{64}$/;

export class LayoutPath {
  readonly root: string;

  constructor(dir: string) {
    this.root = path.resolve(dir);
  }

  /** Is there a layout at `dir` (an `oci-layout` file)? */
  static async exists(dir: string): Promise<boolean> {
    return access(path.join(dir, 'oci-layout')).then(
      () => true,
      () => false,
    );
  }

  /** Where the blob `digest` lives (IMAGE_READ for a digest that is not sha256). */
  blobPath(digest: string): string {
    try {
      return path.join(this.root, 'blobs', 'sha256', digestHex(digest));
    } catch (e) {
      throw this.readError(`unsupported digest ${JSON.stringify(digest)}`, e);
    }
  }

  /** The `oci-layout` file must be there and name a version. */
  async checkMarker(): Promise<void> {
    const layout = await this.readJsonFile<{ imageLayoutVersion?: unknown }>('oci-layout').catch((e: unknown) => {
      throw this.readError(`${this.root} is not an OCI image layout (no readable oci-layout file)`, e);
    });
    if (typeof layout?.imageLayoutVersion !== 'string')
      throw this.readError(`${this.root}/oci-layout has no imageLayoutVersion`);
  }

  /** index.json, checked: an object whose manifests (possibly none) are descriptors. */
  async readIndex(): Promise<LayoutIndex> {
    const index = await this.readJsonFile<Partial<OciIndex> | null>('index.json');
    const manifests: unknown = index?.manifests ?? [];
    if (index === null || typeof index !== 'object' || !Array.isArray(manifests))
      throw this.readError(`${this.root}/index.json is not an OCI image index`);
    for (const m of manifests as Partial<Descriptor>[])
      if (typeof m?.digest !== 'string' || typeof m.mediaType !== 'string' || typeof m.size !== 'number')
        throw this.readError(`${this.root}/index.json has an entry that is not a descriptor`);
    return { ...(index as OciIndex), manifests: manifests as IndexEntry[] };
  }

  /** The bytes of blob `d`, verified against its digest and size. */
  async readBlob(d: Descriptor): Promise<Buffer> {
    const bytes = await readFile(this.blobPath(d.digest)).catch((e: unknown) => {
      throw this.readError(`blob ${d.digest} is missing from ${this.root}`, e);
    });
    const got = sha256(bytes);
    if (got !== d.digest || bytes.length !== d.size) {
      throw new VerifyError(
        'HASH_MISMATCH',
        `blob ${d.digest} in ${this.root}: got ${got} (${bytes.length} bytes), want ${d.digest} (${d.size} bytes)`,
        {
          hint: 'the blob was changed after it was written; write the layout again',
          detail: { got, want: d.digest },
        },
      );
    }
    return bytes;
  }

  /** Blob `d` parsed as JSON (verified first). */
  async readBlobJson<T>(d: Descriptor): Promise<T> {
    return this.parse<T>(await this.readBlob(d), d.digest);
  }

  /** Store `bytes` as a blob (a no-op when it is there); returns its descriptor. */
  async writeBlob(bytes: Buffer, mediaType: string): Promise<Descriptor> {
    const digest = sha256(bytes);
    const file = this.blobPath(digest);
    const there = await access(file).then(
      () => true,
      () => false,
    );
    if (!there) await this.write(file, bytes, true);
    return { mediaType, digest, size: bytes.length };
  }

  /** Replace index.json atomically. */
  async writeIndex(index: LayoutIndex): Promise<void> {
    await this.write(path.join(this.root, 'index.json'), JSON.stringify(index), false);
  }

  /**
   * The entry `ref` names: a tag (ref.name) or a manifest digest. Without
   * `ref` the layout must hold exactly one image, not counting attachments
   * (signatures, attestations, SBOMs: media.ts's isAttachmentEntry).
   */
  async select(ref?: string): Promise<IndexEntry> {
    const entries = (await this.readIndex()).manifests;
    const tags = entries
      .filter((m) => !isAttachmentEntry(m))
      .map((m) => m.annotations?.[ANNOTATION.refName])
      .filter((t): t is string => t !== undefined);
    const hint = `tags present: ${tags.join(', ') || '(none)'}`;
    if (ref !== undefined) {
      const found = DIGEST.test(ref)
        ? entries.find((m) => m.digest === ref)
        : entries.find((m) => m.annotations?.[ANNOTATION.refName] === ref);
      if (!found) throw this.readError(`no image tagged ${JSON.stringify(ref)} in ${this.root}`, undefined, hint);
      return found;
    }
    const images = entries.filter((m) => !isAttachmentEntry(m));
    if (images.length !== 1)
      throw this.readError(`${this.root} holds ${images.length} images; name one as DIR:TAG`, undefined, hint);
    return images[0]!;
  }

  private async write(file: string, bytes: Buffer | string, mkdir: boolean): Promise<void> {
    await writeFileAtomic(file, bytes, { mkdir }).catch((e: unknown) => {
      throw new OutputError('OUTPUT_WRITE', `cannot update ${this.root}: ${(e as Error)?.message ?? String(e)}`, {
        cause: e,
        hint: 'check that the layout directory is writable and has free space',
      });
    });
  }

  private async readJsonFile<T>(name: string): Promise<T> {
    const bytes = await readFile(path.join(this.root, name)).catch((e: unknown) => {
      throw this.readError(`${this.root} is not an OCI image layout (no readable ${name})`, e);
    });
    return this.parse<T>(bytes, `${this.root}/${name}`);
  }

  private parse<T>(bytes: Buffer, what: string): T {
    try {
      return JSON.parse(bytes.toString('utf8')) as T;
    } catch (e) {
      throw this.readError(`${what} is not valid JSON`, e, 'the layout is damaged; write it again');
    }
  }

  readError(
    message: string,
    cause?: unknown,
    hint = 'pass an OCI image layout written completely (the directory `pare build -o DIR` writes)',
  ): OutputError {
    return new OutputError('IMAGE_READ', message, { hint, cause });
  }
}
