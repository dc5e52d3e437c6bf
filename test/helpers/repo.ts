/**
 * A real, signed Debian repository generated in a temp directory and served
 * over HTTP on 127.0.0.1: pool/*.deb made by makeDeb, Packages(.gz/.xz) with
 * by-hash copies, and an InRelease clearsigned by a throw-away gpg key.
 * Tests tamper with files on disk (or with responses) to prove verification.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { compressSync as xzCompressSync } from '@napi-rs/lzma/xz';
import { makeDeb, type DebFile } from './debfile.js';
import { createSigningKey, type SigningKey } from './gpg.js';

export interface FixturePackage {
  name: string;
  version: string;
  arch?: string;
  depends?: string;
  preDepends?: string;
  provides?: string;
  multiArch?: string;
  priority?: string;
  files?: DebFile[];
  /** Use these .deb bytes instead of making one from the fields above (e.g. a huge sparse package). */
  deb?: Buffer;
  /** Replace the .deb bytes (after the index was computed from the real ones). */
  tamperDeb?: (deb: Buffer) => Buffer;
  /** Extra index fields. */
  fields?: Record<string, string>;
  /** Extra (or overriding) fields of the .deb's control file, e.g. { Source: 'foo (1.0-1)' }. */
  control?: Record<string, string>;
}

export interface FixtureRepoOptions {
  /** Packages per suite, e.g. { stable: [...], 'stable-updates': [...] }. */
  suites: Record<string, FixturePackage[]>;
  component?: string;
  arch?: string;
  byHash?: boolean;
  /** Sign with this key instead of a fresh one (e.g. to test a wrong key). */
  key?: SigningKey;
  validUntil?: Date;
  /** The Release files' Date (default 2023-11-14 22:13:20 UTC). */
  date?: Date;
}

/** A response body sent in chunks without a Content-Length, waiting for the client to read each one. */
export interface StreamedBody {
  chunks: Iterable<Uint8Array>;
}

export interface FixtureRepo {
  url: string;
  dir: string;
  key: SigningKey;
  /** A binary keyring file holding the signing key's public key. */
  keyringFile: string;
  /** Request paths seen, in order. */
  requests: string[];
  /** Regenerate the suites in place (same URL and key): a changed mirror, with a new InRelease. */
  publish(suites: FixtureRepoOptions['suites']): Promise<void>;
  /** Replace responses for a path (relative to the repo root). */
  override(path: string, fn: (body: Buffer) => Buffer | number | StreamedBody): void;
  close(): Promise<void>;
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function stanza(p: FixturePackage, arch: string, filename: string, deb: Buffer): string {
  const fields: Record<string, string | undefined> = {
    Package: p.name,
    Version: p.version,
    Architecture: p.arch ?? arch,
    'Multi-Arch': p.multiArch,
    Priority: p.priority ?? 'optional',
    Maintainer: 'Test <test@example.invalid>',
    'Pre-Depends': p.preDepends,
    Depends: p.depends,
    Provides: p.provides,
    Filename: filename,
    Size: String(deb.length),
    SHA256: sha256(deb),
    Description: `fixture package ${p.name}`,
    ...p.fields,
  };
  return (
    Object.entries(fields)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\n') + '\n'
  );
}

async function stream(res: ServerResponse, body: StreamedBody): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/octet-stream' });
  let closed = false;
  res.on('close', () => (closed = true));
  for (const chunk of body.chunks) {
    if (closed) return;
    if (!res.write(chunk)) await new Promise<void>((r) => (res.once('drain', r), res.once('close', r)));
  }
  if (!closed) res.end();
}

export async function startFixtureRepo(opts: FixtureRepoOptions): Promise<FixtureRepo> {
  const dir = await mkdtemp(join(tmpdir(), 'pare-repo-'));
  const key = opts.key ?? (await createSigningKey({ type: 'ed25519' }));
  await writeSuites(dir, key, opts, opts.suites);
  const keyringFile = join(dir, 'keyring.gpg');
  await writeFile(keyringFile, key.keyring);

  const requests: string[] = [];
  const overrides = new Map<string, (b: Buffer) => Buffer | number | StreamedBody>();
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '');
    requests.push(path);
    if (path.includes('..')) return void res.writeHead(400).end();
    let body: Buffer;
    try {
      body = await readFile(join(dir, path));
    } catch {
      return void res.writeHead(404).end('not found');
    }
    const o = overrides.get(path);
    if (o) {
      const r = o(body);
      if (typeof r === 'number') return void res.writeHead(r).end();
      if (!Buffer.isBuffer(r)) return void (await stream(res, r));
      body = r;
    }
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    dir,
    key,
    keyringFile,
    requests,
    publish: (suites) => writeSuites(dir, key, opts, suites),
    override: (p, fn) => overrides.set(p, fn),
    async close() {
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await closed;
      await rm(dir, { recursive: true, force: true });
      if (!opts.key) await key.cleanup();
    },
  };
}

/** Write pool/ and dists/ for `suites` into `dir`, signing each InRelease with `key`. */
async function writeSuites(
  dir: string,
  key: SigningKey,
  opts: FixtureRepoOptions,
  suites: FixtureRepoOptions['suites'],
): Promise<void> {
  const component = opts.component ?? 'main';
  const arch = opts.arch ?? 'amd64';
  const put = async (rel: string, data: string | Uint8Array) => {
    await mkdir(dirname(join(dir, rel)), { recursive: true });
    await writeFile(join(dir, rel), data);
  };
  for (const [suite, pkgs] of Object.entries(suites)) {
    const stanzas: string[] = [];
    for (const p of pkgs) {
      const pArch = p.arch ?? arch;
      const deb =
        p.deb ??
        (await makeDeb({
          name: p.name,
          version: p.version,
          arch: pArch,
          depends: p.depends,
          files: p.files ?? [{ path: `./usr/share/doc/${p.name}/copyright`, data: `${p.name} fixture\n` }],
          compression: 'gz',
          extraControl: {
            ...(p.preDepends ? { 'Pre-Depends': p.preDepends } : {}),
            ...(p.provides ? { Provides: p.provides } : {}),
            ...p.control,
          },
        }));
      const filename = `pool/${component}/${p.name[0]}/${p.name}/${p.name}_${p.version.replace(/^\d+:/, '')}_${pArch}.deb`;
      stanzas.push(stanza(p, arch, filename, deb));
      await put(filename, p.tamperDeb ? p.tamperDeb(deb) : deb);
    }
    const packages = Buffer.from(stanzas.join('\n'));
    const base = `${component}/binary-${arch}`;
    const variants: Array<[string, Buffer]> = [
      [`${base}/Packages`, packages],
      [`${base}/Packages.gz`, gzipSync(packages)],
      [`${base}/Packages.xz`, xzCompressSync(packages)],
    ];
    const lines: string[] = [];
    for (const [rel, data] of variants) {
      await put(`dists/${suite}/${rel}`, data);
      if (opts.byHash !== false) await put(`dists/${suite}/${base}/by-hash/SHA256/${sha256(data)}`, data);
      lines.push(` ${sha256(data)} ${String(data.length).padStart(8)} ${rel}`);
    }
    const release = [
      'Origin: pare-fixture',
      'Label: pare-fixture',
      `Suite: ${suite}`,
      `Codename: ${suite}`,
      `Date: ${(opts.date ?? new Date('2023-11-14T22:13:20Z')).toUTCString()}`,
      ...(opts.validUntil ? [`Valid-Until: ${opts.validUntil.toUTCString()}`] : []),
      `Acquire-By-Hash: ${opts.byHash === false ? 'no' : 'yes'}`,
      `Architectures: ${arch}`,
      `Components: ${component}`,
      'SHA256:',
      ...lines,
      '',
    ].join('\n');
    await put(`dists/${suite}/Release`, release);
    await put(`dists/${suite}/InRelease`, await key.clearsign(release));
  }
}

/** Fields that make a fixture package a binary of source package NAME at VERSION (Packages and control). */
export function fromSource(name: string, version: string): Pick<FixturePackage, 'fields' | 'control'> {
  return { fields: { Source: name }, control: { Source: `${name} (${version})` } };
}
