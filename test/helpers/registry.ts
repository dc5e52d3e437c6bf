/**
 * Test helper: the real `docker-registry` (Debian's package of the reference
 * distribution registry) on 127.0.0.1 with a config the test writes — open,
 * htpasswd basic auth, or token auth behind a token server here that issues
 * RS256 JWTs (x5c header) for the requested scope, signed with a throw-away
 * key whose self-signed certificate the registry trusts. Plus a recording
 * proxy in front of it (see registry-proxy section) and image fixtures.
 *
 * The registry binds port 0 itself and the helper reads the port from its
 * "listening on" log line: no window in which another process can take a
 * port chosen in advance. A restart (`start()` after `kill()`) binds the
 * same port again, so clients keep their URLs.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, createPrivateKey, createSign, randomBytes, X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildLayer } from '../../src/oci/layer.js';
import { makeImage, type Image } from '../../src/oci/manifest.js';
import type { TreeEntry } from '../../src/tree/types.js';

const run = promisify(execFile);
export const USER = 'pare-tester';
export const PASSWORD = 'not-a-real-secret';
const SERVICE = 'pare-test-registry';
const ISSUER = 'pare-test-token-issuer';

async function ensureTools(): Promise<void> {
  if (!existsSync('/usr/bin/docker-registry'))
    await run('apt-get', ['install', '-y', 'docker-registry'], { maxBuffer: 64 << 20 });
}

async function htpasswdLine(user: string, password: string): Promise<string> {
  if (!existsSync('/usr/bin/htpasswd'))
    await run('apt-get', ['install', '-y', 'apache2-utils'], { maxBuffer: 64 << 20 }).catch(() => undefined);
  if (existsSync('/usr/bin/htpasswd')) return (await run('htpasswd', ['-Bbn', user, password])).stdout.trim();
  const py = `import crypt,sys; print(sys.argv[1] + ':' + crypt.crypt(sys.argv[2], crypt.mksalt(crypt.METHOD_BLOWFISH)))`;
  return (await run('python3', ['-c', py, user, password])).stdout.trim();
}

export interface TokenRequest {
  service: string | null;
  scopes: string[];
  user: string | undefined;
}

export interface TokenServer {
  realm: string;
  certFile: string;
  requests: TokenRequest[];
  close(): Promise<void>;
}

/** A token server: valid Basic credentials get every requested action; anonymous gets pull only; bad credentials get 401. */
export async function startTokenServer(dir: string): Promise<TokenServer> {
  const keyFile = path.join(dir, 'token.key');
  const certFile = path.join(dir, 'token.crt');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-days',
    '2',
    '-subj',
    '/CN=pare test token signer',
  ]);
  const key = createPrivateKey(await readFile(keyFile));
  const certDer = new X509Certificate(await readFile(certFile)).raw.toString('base64');
  const requests: TokenRequest[] = [];
  const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const scopes = url.searchParams
      .getAll('scope')
      .flatMap((s) => s.split(' '))
      .filter(Boolean);
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const [user, pass] = basic ? Buffer.from(basic, 'base64').toString().split(':') : [undefined, undefined];
    requests.push({ service: url.searchParams.get('service'), scopes, user });
    if (user !== undefined && (user !== USER || pass !== PASSWORD)) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"bad credentials"}');
      return;
    }
    const access = scopes.map((s) => {
      const [type, name, actions] = [
        s.slice(0, s.indexOf(':')),
        s.slice(s.indexOf(':') + 1, s.lastIndexOf(':')),
        s.slice(s.lastIndexOf(':') + 1),
      ];
      const allowed = actions.split(',').filter((a) => user !== undefined || a === 'pull');
      return { type, name, actions: allowed };
    });
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'RS256', typ: 'JWT', x5c: [certDer] };
    const claims = {
      iss: ISSUER,
      sub: user ?? '',
      aud: url.searchParams.get('service') ?? '',
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: randomBytes(8).toString('hex'),
      access,
    };
    const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const sig = createSign('RSA-SHA256').update(signingInput).sign(key);
    const token = `${signingInput}.${b64url(sig)}`;
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    certFile,
    requests,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

export interface Registry {
  /** `127.0.0.1:PORT` */
  host: string;
  port: number;
  dataDir: string;
  token?: TokenServer;
  /** SIGKILL the registry (a crash); `start()` brings it back on the same port and storage. */
  kill(): Promise<void>;
  start(): Promise<void>;
  /** Stop everything and remove the temp dir. */
  close(): Promise<void>;
}

export async function startRegistry(opts: { auth?: 'open' | 'htpasswd' | 'token' } = {}): Promise<Registry> {
  await ensureTools();
  const dir = await mkdtemp(path.join(tmpdir(), 'pare-registry-'));
  const dataDir = path.join(dir, 'data');
  let auth = '';
  let token: TokenServer | undefined;
  if (opts.auth === 'htpasswd') {
    await writeFile(path.join(dir, 'htpasswd'), `${await htpasswdLine(USER, PASSWORD)}\n`);
    auth = `auth:\n  htpasswd:\n    realm: pare-test\n    path: ${path.join(dir, 'htpasswd')}\n`;
  } else if (opts.auth === 'token') {
    token = await startTokenServer(dir);
    auth = `auth:\n  token:\n    realm: ${token.realm}\n    service: ${SERVICE}\n    issuer: ${ISSUER}\n    rootcertbundle: ${token.certFile}\n`;
  }
  const config = path.join(dir, 'config.yml');
  // Level info for the "listening on" line; no access log. Port 0 until the first start has bound one.
  const writeConfig = (port: number) =>
    writeFile(
      config,
      `version: 0.1\nlog:\n  level: info\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${dataDir}\n  delete:\n    enabled: true\n` +
        `http:\n  addr: 127.0.0.1:${port}\n  secret: pare-test-secret\n${auth}`,
    );
  let port = 0;
  let proc: ChildProcess | undefined;
  const logFile = path.join(dir, 'registry.log');
  let log = '';
  const start = async (): Promise<void> => {
    await writeConfig(port);
    log = '';
    const p = spawn('/usr/bin/docker-registry', ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    proc = p;
    const listening = new Promise<number | undefined>((resolve) => {
      const onData = (d: Buffer) => {
        log = (log + d.toString()).slice(-64 * 1024); // info logs every request: keep the tail only
        const m = /level=info msg="listening on 127\.0\.0\.1:(\d+)"/.exec(log);
        if (m) resolve(Number(m[1]));
      };
      p.stdout!.on('data', onData);
      p.stderr!.on('data', onData);
      p.once('exit', () => resolve(undefined));
    });
    const bound = await listening;
    if (bound !== undefined && (port === 0 || bound === port)) {
      port = bound;
      for (let i = 0; i < 200 && p.exitCode === null; i++) {
        const ok = await fetch(`http://127.0.0.1:${port}/v2/`).then(
          (r) => (r.body?.cancel(), r.headers.get('docker-distribution-api-version') === 'registry/2.0'),
          () => false,
        );
        if (ok) return;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    await writeFile(logFile, log);
    throw new Error(`docker-registry did not start on 127.0.0.1:${port}; log:\n${log}`);
  };
  const kill = async (): Promise<void> => {
    const p = proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
  };
  try {
    await start();
  } catch (e) {
    await kill();
    await token?.close();
    throw e;
  }
  return {
    host: `127.0.0.1:${port}`,
    port,
    dataDir,
    token,
    kill,
    start,
    async close() {
      await kill();
      await token?.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

// ---- image fixtures: incompressible layers from a seed ----

/** Deterministic pseudo-random bytes (sha256 in counter mode). */
export function seededBytes(seed: string, size: number): Buffer {
  const out = Buffer.alloc(size);
  for (let off = 0, i = 0; off < size; i++) {
    const h = createHash('sha256').update(`${seed}/${i}`).digest();
    off += h.copy(out, off);
  }
  return out;
}

/** An image of `layerSizes.length` layers, each one file of incompressible bytes. */
export async function randomImage(seed: string, layerSizes: number[] = [4096], architecture = 'amd64'): Promise<Image> {
  const layers = [];
  for (const [i, size] of layerSizes.entries()) {
    const entries: TreeEntry[] = [
      { path: 'data', type: 'dir', mode: 0o755, uid: 0, gid: 0 },
      {
        path: `data/${seed}-${i}.bin`,
        type: 'file',
        mode: 0o644,
        uid: 0,
        gid: 0,
        data: seededBytes(`${seed}/${i}`, size),
      },
    ];
    layers.push(await buildLayer(entries, { mtime: 1_700_000_000, level: 1 }));
  }
  return makeImage({ layers, config: { architecture, created: 1_700_000_000, cmd: ['/data'] } });
}

// ---- a recording proxy in front of the registry ----

export interface ProxyRecord {
  method: string;
  path: string;
  status: number;
}

export interface Proxy {
  host: string;
  records: ProxyRecord[];
  /** Manifest PUTs that named a blob or child manifest the registry did not have at that moment. */
  violations: string[];
  /** Answer the next N requests with 503 (a flaky registry). */
  failNext: number;
  /** Called after each forwarded response (e.g. to kill the registry). */
  onResponse?: (r: ProxyRecord) => void | Promise<void>;
  close(): Promise<void>;
}

const BLOB_PUT = /^\/v2\/.+\/blobs\/uploads\/[^?]+\?.*digest=/;

/** Uploads that completed a blob (a PUT with ?digest=, answered 201). */
export const blobPuts = (p: Proxy): ProxyRecord[] =>
  p.records.filter((r) => r.method === 'PUT' && BLOB_PUT.test(r.path) && r.status === 201);
/** Mount requests the registry honoured (201). */
export const mounts = (p: Proxy): ProxyRecord[] =>
  p.records.filter((r) => r.method === 'POST' && r.path.includes('mount=') && r.status === 201);

export async function startProxy(reg: Registry): Promise<Proxy> {
  const { request } = await import('node:http');
  const has = async (repo: string, kind: 'blobs' | 'manifests', digest: string): Promise<boolean> => {
    const r = await fetch(`http://${reg.host}/v2/${repo}/${kind}/${digest}`, {
      method: 'HEAD',
      headers: { accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json' },
    });
    return r.status === 200;
  };
  const proxy: Proxy = {
    host: '',
    records: [],
    violations: [],
    failNext: 0,
    close: () => new Promise((r) => server.close(() => r())),
  };
  const server = createServer(async (req, res) => {
    const p = req.url ?? '/';
    if (proxy.failNext > 0) {
      proxy.failNext--;
      proxy.records.push({ method: req.method!, path: p, status: 503 });
      req.resume();
      res
        .writeHead(503, { 'content-type': 'application/json' })
        .end('{"errors":[{"code":"UNAVAILABLE","message":"test proxy says no"}]}');
      return;
    }
    const m = /^\/v2\/(.+)\/manifests\/([^/?]+)$/.exec(p);
    let body: Buffer | undefined;
    if (req.method === 'PUT' && m) {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      body = Buffer.concat(chunks);
      // With token auth the direct HEADs would need a token; the check runs on open registries only.
      if (!reg.token) {
        const j = JSON.parse(body.toString()) as {
          config?: { digest: string };
          layers?: { digest: string }[];
          manifests?: { digest: string }[];
        };
        for (const d of [j.config, ...(j.layers ?? [])].filter((x): x is { digest: string } => !!x)) {
          if (!(await has(m[1]!, 'blobs', d.digest))) proxy.violations.push(`${m[2]} names missing blob ${d.digest}`);
        }
        for (const d of j.manifests ?? [])
          if (!(await has(m[1]!, 'manifests', d.digest)))
            proxy.violations.push(`${m[2]} names missing manifest ${d.digest}`);
      }
    }
    const up = request(
      { host: '127.0.0.1', port: reg.port, method: req.method, path: p, headers: req.headers },
      (ur) => {
        const rec = { method: req.method!, path: p, status: ur.statusCode ?? 0 };
        proxy.records.push(rec);
        res.writeHead(ur.statusCode ?? 502, ur.headers);
        ur.pipe(res);
        ur.on('end', () => void proxy.onResponse?.(rec));
      },
    );
    up.on('error', () => {
      proxy.records.push({ method: req.method!, path: p, status: 0 });
      req.socket.destroy(); // the registry is gone: so is the connection
    });
    if (body) up.end(body);
    else req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  proxy.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
