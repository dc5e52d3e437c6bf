/**
 * LayoutPath, the one owner of an OCI layout on disk: the same damage gives
 * the same coded error whoever reads it (image reader, attachments, push),
 * writes leave no temporaries, and entry selection skips attachments.
 */
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { hasCode } from '../../src/errors.js';
import { attachArtifact, listArtifacts, resolveSubject } from '../../src/oci/attachments.js';
import { LayoutPath } from '../../src/oci/layout-path.js';
import { readLayout, writeLayout } from '../../src/oci/layout.js';
import type { Image } from '../../src/oci/manifest.js';
import { ANNOTATION } from '../../src/oci/media.js';
import { writeFileAtomic, writeFilesAtomic } from '../../src/util/atomic.js';
import { probeImage } from '../helpers/image.js';
import { tempDirs } from '../helpers/tmp.js';

const tmp = tempDirs('pare-layout-path-');
let probe: Image;
before(async () => {
  probe = await probeImage();
});

const ART = 'application/vnd.example.test+json';
const layer = (text: string) => ({ mediaType: ART, bytes: Buffer.from(text), annotations: { n: text } });

async function signedLayout(): Promise<string> {
  const dir = path.join(await tmp(), 'img');
  await writeLayout(dir, probe, { tag: 'v1' });
  await attachArtifact(dir, await resolveSubject({ dir }), ART, layer('one'), 'sig');
  return dir;
}

describe('LayoutPath', () => {
  it('selects the one image, by tag or by digest, never an attachment', async () => {
    const dir = await signedLayout();
    const layout = new LayoutPath(dir);
    assert.equal((await layout.readIndex()).manifests.length, 3); // image, cosign tag, referrer
    assert.equal((await layout.select()).digest, probe.digest);
    assert.equal((await layout.select('v1')).digest, probe.digest);
    assert.equal((await layout.select(probe.digest)).digest, probe.digest);
    await assert.rejects(
      layout.select('v2'),
      (e) => hasCode(e, 'IMAGE_READ') && /no image tagged "v2"/.test(e.message) && /v1/.test(e.hint ?? ''),
    );
  });

  it('a corrupted manifest is HASH_MISMATCH for the image reader and for the attachments alike', async () => {
    const dir = await signedLayout();
    const layout = new LayoutPath(dir);
    const file = layout.blobPath(probe.digest);
    const bytes = await readFile(file);
    bytes[10]! ^= 0x01;
    await writeFile(file, bytes);
    await assert.rejects(readLayout(dir), (e) => hasCode(e, 'HASH_MISMATCH') && e.message.includes(probe.digest));
    const sig = (await layout.readIndex()).manifests.find((m) => m.annotations?.[ANNOTATION.refName]?.endsWith('.sig'));
    await writeFile(layout.blobPath(sig!.digest), '{"tampered":true}');
    await assert.rejects(listArtifacts(dir, probe.digest, ART, ART, 'sig'), (e) => hasCode(e, 'HASH_MISMATCH'));
  });

  it('a missing blob, a missing or malformed index.json are IMAGE_READ naming the layout', async () => {
    const dir = await signedLayout();
    const layout = new LayoutPath(dir);
    await assert.rejects(
      layout.readBlob({ mediaType: ART, digest: `sha256:${'a'.repeat(64)}`, size: 1 }),
      (e) => hasCode(e, 'IMAGE_READ') && e.message.includes(layout.root),
    );
    await assert.rejects(layout.readBlob({ mediaType: ART, digest: 'md5:00', size: 1 }), (e) =>
      hasCode(e, 'IMAGE_READ'),
    );
    for (const bad of ['not json', '{"manifests": {}}', '{"manifests": [{"digest": 1}]}', 'null']) {
      await writeFile(path.join(dir, 'index.json'), bad);
      await assert.rejects(layout.readIndex(), (e) => hasCode(e, 'IMAGE_READ') && e.message.includes(layout.root), bad);
      await assert.rejects(readLayout(dir), (e) => hasCode(e, 'IMAGE_READ'), bad);
      await assert.rejects(resolveSubject({ dir }), (e) => hasCode(e, 'IMAGE_READ'), bad);
    }
    assert.equal(await LayoutPath.exists(dir), true);
    assert.equal(await LayoutPath.exists(path.join(dir, 'blobs')), false);
  });

  it('writes blobs content-addressed and idempotently, index.json atomically, leaving no temporaries', async () => {
    const dir = await signedLayout();
    const layout = new LayoutPath(dir);
    const d = await layout.writeBlob(Buffer.from('hello'), ART);
    assert.deepEqual(await layout.readBlob(d), Buffer.from('hello'));
    assert.deepEqual(await layout.writeBlob(Buffer.from('hello'), ART), d);
    const index = await layout.readIndex();
    await layout.writeIndex({ ...index, manifests: [...index.manifests, d] });
    assert.equal((await layout.readIndex()).manifests.length, 4);
    const all = (await readdir(dir, { recursive: true })).map(String);
    assert.deepEqual(
      all.filter((n) => n.includes('pare-tmp')),
      [],
    );
  });

  it('a failed write is OUTPUT_WRITE naming the layout, and leaves no temporary', async () => {
    const dir = path.join(await tmp(), 'odd');
    await mkdir(path.join(dir, 'index.json', 'in-the-way'), { recursive: true }); // rename onto it fails
    const layout = new LayoutPath(dir);
    await assert.rejects(
      layout.writeIndex({ schemaVersion: 2, mediaType: 'x', manifests: [] }),
      (e) => hasCode(e, 'OUTPUT_WRITE') && e.message.includes(layout.root),
    );
    assert.deepEqual(await readdir(dir), ['index.json']);
  });
});

describe('writeFilesAtomic', () => {
  it('writes every file or none, and removes its temporaries when one fails', async () => {
    const dir = await tmp();
    await writeFileAtomic(path.join(dir, 'a'), 'old a');
    // The second target's directory does not exist: nothing is renamed, no temporary stays.
    await assert.rejects(
      writeFilesAtomic([
        { file: path.join(dir, 'a'), bytes: 'new a' },
        { file: path.join(dir, 'missing', 'b'), bytes: 'b' },
      ]),
      { code: 'ENOENT' },
    );
    assert.equal(await readFile(path.join(dir, 'a'), 'utf8'), 'old a');
    assert.deepEqual(await readdir(dir), ['a']);
    await writeFilesAtomic([{ file: path.join(dir, 'deep', 'c'), bytes: 'c', mode: 0o600 }], { mkdir: true });
    assert.equal(await readFile(path.join(dir, 'deep', 'c'), 'utf8'), 'c');
  });
});
