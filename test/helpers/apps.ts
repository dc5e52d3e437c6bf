/**
 * Application package fixtures made in the tests: zip archives, wheels with a
 * correct RECORD (or a tampered one), npm package tarballs, and one loopback
 * server that is a simple index (PEP 691 JSON, or PEP 503 HTML when
 * asked), an npm registry and a Maven repository (under /maven2). Tests tamper with served bytes to prove
 * verification.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32, deflateRawSync, gunzipSync, gzipSync } from 'node:zlib';
import { readTar } from '../../src/tree/tar-read.js';
import { tar, type DebFile } from './debfile.js';

export interface ZipFile {
  name: string;
  data: string | Buffer;
  mode?: number;
}

/** A zip archive (deflate), as wheel and jar tools write them. */
export function makeZip(files: ZipFile[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const data = Buffer.from(f.data);
    const comp = deflateRawSync(data);
    const name = Buffer.from(f.name);
    const crc = crc32(data) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(comp.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x0314, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(comp.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((0o100000 | (f.mode ?? 0o644)) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, comp);
    centrals.push(central, name);
    offset += 30 + name.length + comp.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

export const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const b64 = (b: Uint8Array) => createHash('sha256').update(b).digest('base64url');

export interface WheelSpec {
  name: string;
  version: string;
  /** "py3-none-any", "cp311-cp311-manylinux_2_17_x86_64", ... */
  tag?: string;
  files?: ZipFile[];
  entryPoints?: string;
  metadata?: string;
  /** Change a file after RECORD was written. */
  tamper?: boolean;
}

export interface Artifact {
  filename: string;
  bytes: Buffer;
  sha256: string;
}

export function makeWheel(w: WheelSpec): Artifact {
  const dist = `${w.name.replace(/-/g, '_')}-${w.version}`;
  const files: ZipFile[] = [
    ...(w.files ?? [{ name: `${w.name.replace(/-/g, '_')}/__init__.py`, data: `VERSION = "${w.version}"\n` }]),
    {
      name: `${dist}.dist-info/METADATA`,
      data: `Metadata-Version: 2.1\nName: ${w.name}\nVersion: ${w.version}\n${w.metadata ?? 'License-Expression: MIT\n'}`,
    },
    {
      name: `${dist}.dist-info/WHEEL`,
      data: `Wheel-Version: 1.0\nGenerator: pare-tests\nRoot-Is-Purelib: true\nTag: ${w.tag ?? 'py3-none-any'}\n`,
    },
    ...(w.entryPoints ? [{ name: `${dist}.dist-info/entry_points.txt`, data: w.entryPoints }] : []),
  ];
  const record = files.map((f) => `${f.name},sha256=${b64(Buffer.from(f.data))},${Buffer.from(f.data).length}`);
  record.push(`${dist}.dist-info/RECORD,,`);
  if (w.tamper) files[0] = { ...files[0]!, data: Buffer.concat([Buffer.from(files[0]!.data), Buffer.from('#')]) };
  const bytes = makeZip([...files, { name: `${dist}.dist-info/RECORD`, data: record.join('\n') + '\n' }]);
  return { filename: `${dist}-${w.tag ?? 'py3-none-any'}.whl`, bytes, sha256: sha256(bytes) };
}

export interface NpmSpec {
  name: string;
  version: string;
  files?: DebFile[];
}

export function makeNpmTarball(p: NpmSpec): Artifact & { integrity: string } {
  const files: DebFile[] = [
    { path: 'package/package.json', data: JSON.stringify({ name: p.name, version: p.version }) },
    ...(p.files ?? [{ path: 'package/index.js', data: `module.exports = ${JSON.stringify(p.name)};\n` }]),
  ];
  const bytes = gzipSync(tar(files));
  return {
    filename: `${p.name.replace(/^@[^/]+\//, '')}-${p.version}.tgz`,
    bytes,
    sha256: sha256(bytes),
    integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}`,
  };
}

export interface AppServer {
  url: string;
  /** The simple index base URL (…/simple). */
  simple: string;
  requests: string[];
  /** Projects: normalized name → files (sha256 published as given, so tests can lie). */
  projects: Map<string, Artifact[]>;
  /** npm tarballs by "name@version". */
  tarballs: Map<string, Artifact>;
  /** Maven repository files by path below /maven2 (GROUP/PATH/ARTIFACT/VERSION/FILE). */
  maven: Map<string, Buffer>;
  /** Serve different bytes for a file name than were published. */
  tamper: Map<string, Buffer>;
  /** Serve project pages as PEP 503 HTML instead of PEP 691 JSON. */
  html: boolean;
  close(): Promise<void>;
}

export async function startAppServer(): Promise<AppServer> {
  const state = {
    requests: [] as string[],
    projects: new Map<string, Artifact[]>(),
    tarballs: new Map<string, Artifact>(),
    maven: new Map<string, Buffer>(),
    tamper: new Map<string, Buffer>(),
    html: false,
  };
  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    state.requests.push(path);
    const send = (status: number, body: Buffer | string, type = 'application/octet-stream') => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    const page = /^\/simple\/([^/]+)\/$/.exec(path);
    if (page) {
      const files = state.projects.get(page[1]!);
      if (!files) return send(404, 'not found', 'text/plain');
      if (state.html || !/json/.test(String(req.headers.accept)))
        return send(
          200,
          `<!DOCTYPE html><html><body>${files.map((f) => `<a href="../../files/${f.filename}#sha256=${f.sha256}">${f.filename}</a>`).join('<br/>')}</body></html>`,
          'text/html',
        );
      return send(
        200,
        JSON.stringify({
          meta: { 'api-version': '1.1' },
          name: page[1],
          files: files.map((f) => ({
            filename: f.filename,
            url: `../../files/${f.filename}`,
            hashes: { sha256: f.sha256 },
          })),
        }),
        'application/vnd.pypi.simple.v1+json',
      );
    }
    const file = /^\/files\/(.+)$/.exec(path);
    if (file) {
      const all = [...state.projects.values()].flat();
      const f = all.find((x) => x.filename === file[1]);
      return f ? send(200, state.tamper.get(f.filename) ?? f.bytes) : send(404, 'not found', 'text/plain');
    }
    const tgz = /^\/npm\/(.+)\/-\/[^/]+-([^/]+)\.tgz$/.exec(path);
    if (tgz) {
      const t = state.tarballs.get(`${tgz[1]}@${tgz[2]}`);
      return t ? send(200, state.tamper.get(t.filename) ?? t.bytes) : send(404, 'not found', 'text/plain');
    }
    const jar = /^\/maven2\/(.+)$/.exec(path);
    if (jar) {
      const b = state.maven.get(jar[1]!);
      const name = jar[1]!.slice(jar[1]!.lastIndexOf('/') + 1);
      return b ? send(200, state.tamper.get(name) ?? b) : send(404, 'not found', 'text/plain');
    }
    send(404, 'not found', 'text/plain');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const url = `http://127.0.0.1:${port}`;
  return Object.assign(state, {
    url,
    simple: `${url}/simple`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  });
}

/** Debian packages an application image needs, for fixture repositories. */
export const RUNTIME_PACKAGES = [
  { name: 'libc6', version: '2.36-9', files: [{ path: './usr/lib/x86_64-linux-gnu/libc.so.6', data: 'libc' }] },
  {
    name: 'python3.11',
    version: '3.11.2-6',
    depends: 'libc6',
    files: [{ path: './usr/bin/python3.11', data: 'py', mode: 0o755 }],
  },
  {
    name: 'python3',
    version: '3.11.2-1',
    depends: 'python3.11',
    files: [{ path: './usr/bin/python3', type: 'symlink' as const, target: 'python3.11' }],
  },
  {
    name: 'nodejs',
    version: '18.19.0-1',
    depends: 'libc6',
    files: [{ path: './usr/bin/node', data: 'node', mode: 0o755 }],
  },
  {
    name: 'openjdk-17-jre-headless',
    version: '17.0.15+6-1~deb12u1',
    depends: 'libc6',
    files: [{ path: './usr/lib/jvm/java-17-openjdk-amd64/bin/java', data: 'java', mode: 0o755 }],
  },
];

export async function layers(
  out: string,
): Promise<Array<Map<string, { data: Uint8Array; mode: number; linkname: string }>>> {
  const blob = (d: string) => join(out, 'blobs/sha256', d.slice(7));
  const index = JSON.parse(await readFile(join(out, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> };
  const m = JSON.parse(await readFile(blob(index.manifests[0]!.digest), 'utf8')) as {
    layers: Array<{ digest: string }>;
  };
  return Promise.all(
    m.layers.map(
      async (l) =>
        new Map(
          readTar(gunzipSync(await readFile(blob(l.digest))), 'layer').map((e) => [
            e.name.replace(/^\.?\//, '').replace(/\/$/, ''),
            e,
          ]),
        ),
    ),
  );
}
