/**
 * Test helper: the OCI 1.1 referrers API in front of docker-registry 2.8,
 * which lacks it. Everything is forwarded to the registry, except that
 *  - a manifest PUT whose body names a `subject` is answered with the
 *    `OCI-Subject` header, and its descriptor is recorded (the registry keeps
 *    the list, so a client must not write the fallback tag);
 *  - `GET /v2/NAME/referrers/DIGEST[?artifactType=T]` answers an image index
 *    of the recorded descriptors.
 * With `filters: false` the API ignores `artifactType` and leaves out
 * `OCI-Filters-Applied`, as the spec allows: the client must then filter.
 */
import { createHash } from 'node:crypto';
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from './registry.js';

export interface ReferrersApi {
  /** `127.0.0.1:PORT` of the front. */
  host: string;
  /** Referrers API requests seen: path and query. */
  requests: string[];
  close(): Promise<void>;
}

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

const MANIFEST_PUT = /^\/v2\/(.+)\/manifests\/[^/?]+$/;
const REFERRERS = /^\/v2\/(.+)\/referrers\/(sha256:[0-9a-f]{64})$/;

export async function startReferrersApi(reg: Registry, opts: { filters?: boolean } = {}): Promise<ReferrersApi> {
  const filters = opts.filters ?? true;
  const lists = new Map<string, Descriptor[]>(); // "NAME@SUBJECT" → referrers
  const requests: string[] = [];

  const forward = (
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
    body: Buffer | NodeJS.ReadableStream,
    reply: (status: number, headers: IncomingHttpHeaders, stream: NodeJS.ReadableStream) => void,
    fail: () => void,
  ) => {
    const up = request({ host: '127.0.0.1', port: reg.port, method, path, headers }, (ur) =>
      reply(ur.statusCode ?? 502, ur.headers, ur),
    );
    up.on('error', fail);
    if (Buffer.isBuffer(body)) up.end(body);
    else body.pipe(up);
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const referrers = req.method === 'GET' ? REFERRERS.exec(url.pathname) : null;
    if (referrers) {
      requests.push(`${url.pathname}${url.search}`);
      const wanted = url.searchParams.get('artifactType');
      const all = lists.get(`${referrers[1]}@${referrers[2]}`) ?? [];
      const manifests = filters && wanted ? all.filter((d) => d.artifactType === wanted) : all;
      const body = JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests,
      });
      res.writeHead(200, {
        'content-type': 'application/vnd.oci.image.index.v1+json',
        ...(filters && wanted ? { 'oci-filters-applied': 'artifactType' } : {}),
      });
      return void res.end(body);
    }
    const put = req.method === 'PUT' ? MANIFEST_PUT.exec(url.pathname) : null;
    let body: Buffer | NodeJS.ReadableStream = req;
    let subject: Descriptor | undefined;
    let subjectDigest: string | undefined;
    if (put) {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      body = Buffer.concat(chunks);
      const m = JSON.parse(body.toString('utf8')) as {
        subject?: { digest: string };
        artifactType?: string;
        config?: { mediaType?: string };
        annotations?: Record<string, string>;
      };
      if (m.subject) {
        subjectDigest = m.subject.digest;
        subject = {
          mediaType: req.headers['content-type'] ?? '',
          digest: `sha256:${createHash('sha256').update(body).digest('hex')}`,
          size: body.length,
          ...((m.artifactType ?? m.config?.mediaType) ? { artifactType: m.artifactType ?? m.config?.mediaType } : {}),
          ...(m.annotations ? { annotations: m.annotations } : {}),
        };
      }
    }
    forward(
      req.method ?? 'GET',
      req.url ?? '/',
      req.headers,
      body,
      (status, headers, stream) => {
        if (put && subject && subjectDigest && status === 201) {
          const key = `${put[1]}@${subjectDigest}`;
          const list = lists.get(key) ?? [];
          if (!list.some((d) => d.digest === subject.digest)) lists.set(key, [...list, subject]);
          headers = { ...headers, 'oci-subject': subjectDigest };
        }
        res.writeHead(status, headers);
        stream.pipe(res);
      },
      () => req.socket.destroy(),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
