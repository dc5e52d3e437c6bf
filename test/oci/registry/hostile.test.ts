/**
 * A hostile or broken registry on 127.0.0.1: a manifest body without end, a
 * response that stalls mid-body, one that never sends its headers, and a
 * manifest whose digest is not the one asked for; an upload the registry
 * stops reading (monolithic and chunked) or reads but never answers. Each ends in a coded error
 * in bounded time and memory, and pulling a base from it leaves nothing in
 * the cache's images.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createHash } from 'node:crypto';
import { hasCode } from '../../../src/errors.js';
import { bytesBlob } from '../../../src/oci/manifest.js';
import { BlobCache } from '../../../src/fetch/cache.js';
import { RegistryClient } from '../../../src/oci/registry/client.js';
import { pullImage } from '../../../src/oci/registry/pull.js';
import { tempDirs } from '../../helpers/tmp.js';

const tmpDir = tempDirs('pare-hostile-registry-');

const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OTHER = `sha256:${'0'.repeat(64)}`;

describe('hostile registry', { timeout: 120_000 }, () => {
  let server: Server;
  let host: string;
  let idle: string | undefined;
  before(async () => {
    idle = process.env.PARE_REGISTRY_IDLE_SECONDS;
    process.env.PARE_REGISTRY_IDLE_SECONDS = '1';
    server = createServer((req, res) => {
      const url = req.url ?? '';
      if (url === '/v2/' || url === '/v2') return void res.writeHead(200).end('{}');
      if (url.startsWith('/v2/endless/manifests/')) {
        res.writeHead(200, { 'content-type': MANIFEST });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        const pump = () => {
          while (res.write(chunk));
          res.once('drain', pump);
        };
        res.on('close', () => res.removeAllListeners('drain'));
        return pump();
      }
      if (url.startsWith('/v2/stall/manifests/')) {
        res.writeHead(200, { 'content-type': MANIFEST });
        return void res.write('{"schemaVersion":');
      }
      if (url.startsWith('/v2/silent/')) return; // never answers
      const sink = /^\/v2\/(sink-stop|sink-mute)\/blobs\//.exec(url);
      if (sink) {
        if (req.method === 'HEAD') return void res.writeHead(404).end();
        if (req.method === 'POST')
          return void res.writeHead(202, { location: `/v2/${sink[1]}/blobs/uploads/u1`, 'content-length': '0' }).end();
        if (sink[1] === 'sink-stop') return void req.pause(); // stops reading the body, never answers
        return void req.resume(); // reads everything, never answers
      }
      if (url.startsWith('/v2/wrong/manifests/')) {
        return void res.writeHead(200, { 'content-type': MANIFEST }).end('{"schemaVersion":2,"layers":[]}');
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    host = `127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(async () => {
    if (idle === undefined) delete process.env.PARE_REGISTRY_IDLE_SECONDS;
    else process.env.PARE_REGISTRY_IDLE_SECONDS = idle;
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  const client = () => new RegistryClient({ insecure: true, retry: { attempts: 2, baseMs: 10, maxMs: 10 } });

  it('a manifest body without end is aborted past 4 MiB (FETCH_TOO_LARGE)', async () => {
    await assert.rejects(client().getManifest(`${host}/endless:latest`), (e) => hasCode(e, 'FETCH_TOO_LARGE'));
  });

  it('a response that stalls mid-body fails after the idle time (FETCH_NETWORK)', async () => {
    await assert.rejects(
      client().getManifest(`${host}/stall:latest`),
      (e) => hasCode(e, 'FETCH_NETWORK') && /stopped sending/.test(e.message),
    );
  });

  it('a registry that never answers fails after the retries (REGISTRY_HTTP)', async () => {
    await assert.rejects(
      client().getManifest(`${host}/silent:latest`),
      (e) => hasCode(e, 'REGISTRY_HTTP') && /no response within 1 s/.test(e.message),
    );
  });

  it('a manifest whose digest is not the one asked for is refused (REGISTRY_HTTP)', async () => {
    await assert.rejects(
      client().getManifest(`${host}/wrong@${OTHER}`),
      (e) => hasCode(e, 'REGISTRY_HTTP') && e.message.includes(`want ${OTHER}`),
    );
  });

  const blob = (n: number) => {
    const bytes = Buffer.alloc(n, 7);
    return bytesBlob('application/octet-stream', `sha256:${createHash('sha256').update(bytes).digest('hex')}`, bytes);
  };
  const stalled = (e: unknown) =>
    hasCode(e, 'REGISTRY_HTTP') && /stopped taking the upload or answering for 1 s/.test((e as Error).message);

  it('an upload the registry stops reading fails after the idle time, monolithic or chunked (REGISTRY_HTTP)', async () => {
    // 16 MiB is far more than the loopback socket buffers take without the server reading.
    await assert.rejects(client().pushBlob(`${host}/sink-stop:latest`, blob(16 << 20)), stalled);
    const chunked = new RegistryClient({
      insecure: true,
      chunkSize: 4 << 20,
      retry: { attempts: 1, baseMs: 10, maxMs: 10 },
    });
    await assert.rejects(chunked.pushBlob(`${host}/sink-stop:latest`, blob(16 << 20)), stalled);
  });

  it('an upload the registry takes but never answers fails after the idle time (REGISTRY_HTTP)', async () => {
    await assert.rejects(client().pushBlob(`${host}/sink-mute:latest`, blob(64 << 10)), stalled);
  });

  it('pulling a base from them writes no image into the cache', async () => {
    const dir = await tmpDir();
    const cache = new BlobCache(dir);
    for (const repo of ['endless', 'stall', 'wrong']) {
      await assert.rejects(pullImage(client(), `${host}/${repo}:latest`, 'amd64', cache), (e) =>
        hasCode(e, repo === 'wrong' ? 'IMAGE_READ' : repo === 'endless' ? 'FETCH_TOO_LARGE' : 'FETCH_NETWORK'),
      );
    }
    assert.equal(existsSync(join(dir, 'images')), false);
  });
});
