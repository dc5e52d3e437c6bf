/**
 * A real, signed APK repository generated in a temp directory and served
 * over HTTP on 127.0.0.1, built the way abuild/melange and apk-tools build
 * them: each .apk is three gzip members (a `.SIGN.RSA.<key>` tar fragment
 * over the control member, the control tar with .PKGINFO and its datahash,
 * the data tar with APK-TOOLS.checksum.SHA1 PAX headers), and
 * <arch>/APKINDEX.tar.gz is a signature member over the DESCRIPTION +
 * APKINDEX member. The RSA key is a throw-away one. Tests tamper with files
 * (or responses) to prove verification.
 */
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface ApkFixtureFile {
  /** Archive name without a leading './', e.g. 'usr/bin/hello'; written verbatim (hostile names on purpose). */
  path: string;
  type?: 'file' | 'dir' | 'symlink' | 'hardlink';
  mode?: number;
  data?: string | Uint8Array;
  target?: string;
  uid?: number;
  gid?: number;
}

export interface ApkFixturePackage {
  name: string;
  version: string;
  arch?: string;
  depends?: string[];
  provides?: string[];
  installIf?: string[];
  replaces?: string[];
  providerPriority?: number;
  origin?: string;
  license?: string;
  files?: ApkFixtureFile[];
  /** Add missing parent directories (default true). */
  parents?: boolean;
  /** Replace the .apk bytes after the index was computed from the real ones. */
  tamper?: (apk: Buffer) => Buffer;
}

export interface ApkKey {
  name: string;
  privateKey: KeyObject;
  publicPem: string;
}

export interface ApkFixtureRepo {
  url: string;
  dir: string;
  key: ApkKey;
  /** The public key file, named as the key (what keyring: entries point at). */
  keyFile: string;
  requests: string[];
  override(path: string, fn: (body: Buffer) => Buffer | number): void;
  close(): Promise<void>;
}

export function makeApkKey(name = 'pare-test-0001.rsa.pub'): ApkKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { name, privateKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

const BLOCK = 512;
const MTIME = 1_700_000_000;

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body) + 1;
  while (len !== Buffer.byteLength(body) + String(len).length) len = Buffer.byteLength(body) + String(len).length;
  return `${len}${body}`;
}

function header(name: string, type: string, mode: number, size: number, linkname = '', uid = 0, gid = 0): Buffer {
  const b = Buffer.alloc(BLOCK);
  const oct = (v: number, w: number) => v.toString(8).padStart(w - 1, '0') + '\0';
  b.write(name.slice(0, 100), 0);
  b.write(oct(mode, 8), 100);
  b.write(oct(uid, 8), 108);
  b.write(oct(gid, 8), 116);
  b.write(oct(size, 12), 124);
  b.write(oct(MTIME, 12), 136);
  b.fill(0x20, 148, 156);
  b.write(type, 156);
  b.write(linkname.slice(0, 100), 157);
  b.write('ustar\0', 257);
  b.write('00', 263);
  let sum = 0;
  for (const x of b) sum += x;
  b.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return b;
}

function entry(
  name: string,
  type: string,
  mode: number,
  data: Buffer,
  opts: { linkname?: string; pax?: Record<string, string>; uid?: number; gid?: number } = {},
): Buffer[] {
  const out: Buffer[] = [];
  if (opts.pax && Object.keys(opts.pax).length > 0) {
    const body = Buffer.from(
      Object.entries(opts.pax)
        .map(([k, v]) => paxRecord(k, v))
        .join(''),
    );
    out.push(
      header(`PaxHeaders/${name}`.slice(0, 100), 'x', 0o644, body.length),
      body,
      Buffer.alloc((BLOCK - (body.length % BLOCK)) % BLOCK),
    );
  }
  out.push(
    header(name, type, mode, data.length, opts.linkname, opts.uid, opts.gid),
    data,
    Buffer.alloc((BLOCK - (data.length % BLOCK)) % BLOCK),
  );
  return out;
}

const TYPE = { file: '0', hardlink: '1', symlink: '2', dir: '5' } as const;

function withParents(files: ApkFixtureFile[]): ApkFixtureFile[] {
  const have = new Set(files.map((f) => f.path.replace(/\/$/, '')));
  const out: ApkFixtureFile[] = [];
  for (const f of files) {
    const parts = f.path.replace(/\/$/, '').split('/');
    for (let i = 1; i < parts.length; i++) {
      const d = parts.slice(0, i).join('/');
      if (!have.has(d)) (have.add(d), out.push({ path: d, type: 'dir' }));
    }
    out.push(f);
  }
  return out;
}

/** The data tar of a package (with end-of-archive blocks), as melange writes it. */
export function apkDataTar(files: ApkFixtureFile[]): Buffer {
  const chunks: Buffer[] = [];
  for (const f of files) {
    const type = f.type ?? 'file';
    const data = type === 'file' ? Buffer.from(f.data ?? '') : Buffer.alloc(0);
    const mode = f.mode ?? (type === 'dir' ? 0o755 : type === 'symlink' ? 0o777 : 0o644);
    const pax: Record<string, string> = {};
    if (type === 'file') pax['APK-TOOLS.checksum.SHA1'] = createHash('sha1').update(data).digest('hex');
    if (type === 'symlink')
      pax['APK-TOOLS.checksum.SHA1'] = createHash('sha1')
        .update(f.target ?? '')
        .digest('hex');
    chunks.push(
      ...entry(type === 'dir' ? `${f.path}/` : f.path, TYPE[type], mode, data, {
        linkname: f.target,
        pax,
        uid: f.uid,
        gid: f.gid,
      }),
    );
  }
  chunks.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(chunks);
}

const q1 = (b: Uint8Array) => `Q1${createHash('sha1').update(b).digest('base64')}`;

/** A signed .apk and its APKINDEX record. */
export function makeApk(p: ApkFixturePackage, key: ApkKey, arch: string): { apk: Buffer; record: string } {
  const files = p.parents === false ? (p.files ?? []) : withParents(p.files ?? []);
  const data = apkDataTar(files);
  const dataGz = gzipSync(data);
  const installed = files.reduce((n, f) => n + Buffer.from(f.data ?? '').length, 0);
  const lines = [
    '# Generated by pare test helpers',
    `pkgname = ${p.name}`,
    `pkgver = ${p.version}`,
    `pkgdesc = fixture package ${p.name}`,
    'url = https://example.invalid/',
    `builddate = ${MTIME}`,
    `size = ${installed}`,
    `arch = ${p.arch ?? arch}`,
    `origin = ${p.origin ?? p.name}`,
    `license = ${p.license ?? 'MIT'}`,
    ...(p.depends ?? []).map((d) => `depend = ${d}`),
    ...(p.provides ?? []).map((d) => `provides = ${d}`),
    ...(p.replaces ?? []).map((d) => `replaces = ${d}`),
    ...(p.installIf ? [`install_if = ${p.installIf.join(' ')}`] : []),
    ...(p.providerPriority !== undefined ? [`provider_priority = ${p.providerPriority}`] : []),
    `datahash = ${createHash('sha256').update(dataGz).digest('hex')}`,
    '',
  ];
  const pkginfo = Buffer.from(lines.join('\n'));
  // apk's control and signature tars carry no end-of-archive blocks: the members are concatenated.
  const controlGz = gzipSync(Buffer.concat(entry('.PKGINFO', '0', 0o644, pkginfo)));
  const sig = sign('sha1', controlGz, key.privateKey);
  const sigGz = gzipSync(Buffer.concat(entry(`.SIGN.RSA.${key.name}`, '0', 0o644, sig)));
  const apk = Buffer.concat([sigGz, controlGz, dataGz]);
  const rec = [
    `C:${q1(controlGz)}`,
    `P:${p.name}`,
    `V:${p.version}`,
    `A:${p.arch ?? arch}`,
    `S:${apk.length}`,
    `I:${installed}`,
    `T:fixture package ${p.name}`,
    'U:https://example.invalid/',
    `L:${p.license ?? 'MIT'}`,
    `o:${p.origin ?? p.name}`,
    `t:${MTIME}`,
    ...(p.providerPriority !== undefined ? [`k:${p.providerPriority}`] : []),
    ...(p.depends?.length ? [`D:${p.depends.join(' ')}`] : []),
    ...(p.provides?.length ? [`p:${p.provides.join(' ')}`] : []),
    ...(p.installIf?.length ? [`i:${p.installIf.join(' ')}`] : []),
    ...(p.replaces?.length ? [`r:${p.replaces.join(' ')}`] : []),
  ];
  return { apk: p.tamper ? p.tamper(apk) : apk, record: rec.join('\n') + '\n\n' };
}

/** A signed APKINDEX.tar.gz over `records` (RSA over SHA-1, or RSA256). */
export function makeApkIndex(records: string, key: ApkKey, digest: 'sha1' | 'sha256' = 'sha1'): Buffer {
  const body = gzipSync(
    Buffer.concat([
      ...entry('DESCRIPTION', '0', 0o644, Buffer.from('pare fixture repository')),
      ...entry('APKINDEX', '0', 0o644, Buffer.from(records)),
      Buffer.alloc(BLOCK * 2),
    ]),
  );
  const sig = sign(digest, body, key.privateKey);
  const kind = digest === 'sha1' ? 'RSA' : 'RSA256';
  return Buffer.concat([gzipSync(Buffer.concat(entry(`.SIGN.${kind}.${key.name}`, '0', 0o644, sig))), body]);
}

export interface ApkRepoOptions {
  packages: ApkFixturePackage[];
  /** apk architecture directory (default x86_64). */
  arch?: string;
  key?: ApkKey;
  digest?: 'sha1' | 'sha256';
}

export async function startApkRepo(opts: ApkRepoOptions): Promise<ApkFixtureRepo> {
  const arch = opts.arch ?? 'x86_64';
  const key = opts.key ?? makeApkKey();
  const dir = await mkdtemp(join(tmpdir(), 'pare-apkrepo-'));
  await mkdir(join(dir, 'repo', arch), { recursive: true });
  let records = '';
  for (const p of opts.packages) {
    const { apk, record } = makeApk(p, key, arch);
    await writeFile(join(dir, 'repo', arch, `${p.name}-${p.version}.apk`), apk);
    records += record;
  }
  await writeFile(join(dir, 'repo', arch, 'APKINDEX.tar.gz'), makeApkIndex(records, key, opts.digest));
  const keyFile = join(dir, key.name);
  await writeFile(keyFile, key.publicPem);
  const requests: string[] = [];
  const overrides = new Map<string, (b: Buffer) => Buffer | number>();
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!).replace(/^\/+/, '');
    requests.push(path);
    if (path.split('/').includes('..')) return void res.writeHead(400).end();
    readFile(join(dir, 'repo', path)).then(
      (body) => {
        const o = overrides.get(path);
        const out = o ? o(body) : body;
        if (typeof out === 'number') return void res.writeHead(out).end();
        res.writeHead(200, { 'content-length': out.length }).end(out);
      },
      () => void res.writeHead(404).end(),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    dir,
    key,
    keyFile,
    requests,
    override: (p, fn) => void overrides.set(p, fn),
    close: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
