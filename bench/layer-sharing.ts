/**
 * Benchmark: what layering saves on the wire, against a local docker-registry
 * behind a recording proxy (test/helpers/registry.ts).
 *
 * 1. Pull python3 after base: examples/base.yaml and examples/python3.yaml
 *    built single-layer (their `layering:` removed) and with origin layering,
 *    pushed to a fresh registry; `skopeo copy` pulls base, then python3 into
 *    the same OCI layout (skopeo skips blobs the layout has). Bytes = the
 *    sizes of the blobs the registry served (GET .../blobs/, 200).
 * 2. An application-only change: examples/base.yaml plus a 4 MB application
 *    file under /app (origin layering), built and pushed; then the file
 *    changes, and the rebuild and push are timed, and the blobs uploaded
 *    counted, against a full push of the same image to a fresh registry.
 * Run: npm run build && node dist/bench/layer-sharing.js [CACHE_DIR]
 * (uses the host's Debian mirror, as the examples do).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { PARE_BIN, REPO_ROOT } from '../test/helpers/cli.js';
import { blobPuts, startProxy, startRegistry, type Proxy } from '../test/helpers/registry.js';

const run = promisify(execFile);
const MiB = (n: number): string => `${(n / 1048576).toFixed(1)} MiB`;

async function pare(args: string[]): Promise<void> {
  await run(process.execPath, [PARE_BIN, ...args, '-q'], {
    env: { ...process.env, CI: '1' },
    maxBuffer: 64 << 20,
  });
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

interface Manifest {
  config: { digest: string; size: number };
  layers: Array<{ digest: string; size: number }>;
}

async function manifestOf(layout: string): Promise<Manifest> {
  const index = JSON.parse(await readFile(path.join(layout, 'index.json'), 'utf8')) as {
    manifests: [{ digest: string }];
  };
  const file = path.join(layout, 'blobs/sha256', index.manifests[0].digest.slice(7));
  return JSON.parse(await readFile(file, 'utf8')) as Manifest;
}

/** examples/NAME.yaml, with or without its layering block, written to `dir`. */
async function variant(
  dir: string,
  name: string,
  layered: boolean,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const doc = parse(await readFile(path.join(REPO_ROOT, 'examples', `${name}.yaml`), 'utf8')) as Record<
    string,
    unknown
  >;
  if (!layered) delete doc.layering;
  const file = path.join(dir, `${name}-${layered ? 'origin' : 'single'}.yaml`);
  await writeFile(file, stringify({ ...doc, ...extra }));
  return file;
}

/** Bytes of the blobs the registry served since `from` (by digest, from the manifests). */
function servedBytes(proxy: Proxy, from: number, sizes: Map<string, number>): { bytes: number; blobs: number } {
  let bytes = 0;
  let blobs = 0;
  for (const r of proxy.records.slice(from)) {
    const m = /\/blobs\/(sha256:[0-9a-f]{64})$/.exec(r.path);
    if (r.method === 'GET' && m && r.status === 200) {
      bytes += sizes.get(m[1]!) ?? 0;
      blobs++;
    }
  }
  return { bytes, blobs };
}

async function pullAfterBase(tmp: string, cache: string, layered: boolean): Promise<string> {
  const layouts: Record<string, string> = {};
  const sizes = new Map<string, number>();
  for (const name of ['base', 'python3']) {
    layouts[name] = path.join(tmp, `${name}-${layered ? 'origin' : 'single'}`);
    await pare(['build', await variant(tmp, name, layered), '-o', layouts[name], '--cache-dir', cache]);
    const m = await manifestOf(layouts[name]);
    for (const d of [m.config, ...m.layers]) sizes.set(d.digest, d.size);
  }
  const reg = await startRegistry();
  const proxy = await startProxy(reg);
  try {
    for (const name of ['base', 'python3'])
      await pare(['push', `${layouts[name]}:latest`, `${reg.host}/distroless/${name}:12`, '--insecure']);
    const dest = path.join(tmp, `pulled-${layered ? 'origin' : 'single'}`);
    const pull = async (name: string) => {
      const from = proxy.records.length;
      await run('skopeo', [
        'copy',
        '--quiet',
        '--src-tls-verify=false',
        `docker://${proxy.host}/distroless/${name}:12`,
        `oci:${dest}:${name}`,
      ]);
      return servedBytes(proxy, from, sizes);
    };
    const base = await pull('base');
    const py = await pull('python3');
    const total = (await manifestOf(layouts.python3!)).layers.reduce((n, l) => n + l.size, 0);
    return `| ${layered ? 'origin' : 'single layer'} | ${MiB(base.bytes)} (${base.blobs} blobs) | ${MiB(py.bytes)} (${py.blobs} blobs) | ${MiB(total)} |`;
  } finally {
    await proxy.close();
    await reg.close();
  }
}

async function appChange(tmp: string, cache: string): Promise<string[]> {
  const ctx = path.join(tmp, 'app');
  await run('mkdir', ['-p', ctx]);
  const appFile = path.join(ctx, 'app.bin');
  const config = await variant(ctx, 'base', true, {
    paths: [
      { path: '/app', type: 'directory', permissions: '0755' },
      { path: '/app/app.bin', type: 'file', source: 'app.bin' },
    ],
  });
  const out = path.join(tmp, 'app-out');
  await writeFile(appFile, randomBytes(4 << 20));
  await pare(['build', config, '-o', out, '--cache-dir', cache]);
  const before = await manifestOf(out);
  const reg = await startRegistry();
  const proxy = await startProxy(reg);
  const fresh = await startRegistry();
  const freshProxy = await startProxy(fresh);
  try {
    const push = (p: Proxy) => pare(['push', `${out}:latest`, `${p.host}/app:1`, '--insecure']);
    await push(proxy);
    await writeFile(appFile, randomBytes(4 << 20));
    const rebuildMs = await timed(() => pare(['build', config, '-o', out, '--cache-dir', cache]));
    const after = await manifestOf(out);
    const changed = after.layers.filter((l, i) => l.digest !== before.layers[i]?.digest);
    const from = proxy.records.length;
    const pushMs = await timed(() => push(proxy));
    const uploads = blobPuts({ ...proxy, records: proxy.records.slice(from) });
    const manifestPuts = proxy.records.slice(from).filter((r) => r.method === 'PUT' && r.path.includes('/manifests/'));
    const fullMs = await timed(() => push(freshProxy));
    const all = after.layers.reduce((n, l) => n + l.size, 0) + after.config.size;
    const up = changed.reduce((n, l) => n + l.size, 0) + after.config.size;
    return [
      `layers: ${after.layers.length}; changed by the application edit: ${changed.length} (${MiB(changed.reduce((n, l) => n + l.size, 0))})`,
      `rebuild after the change: ${rebuildMs.toFixed(0)} ms`,
      `push after the change: ${pushMs.toFixed(0)} ms, ${uploads.length} blob uploads (layer + config), ${manifestPuts.length} manifest PUT, ${MiB(up)} uploaded`,
      `full push of the same image to an empty registry: ${fullMs.toFixed(0)} ms, ${MiB(all)}`,
    ];
  } finally {
    await proxy.close();
    await freshProxy.close();
    await reg.close();
    await fresh.close();
  }
}

async function main(): Promise<void> {
  const tmp = await mkdtemp(path.join(tmpdir(), 'pare-bench-layers-'));
  const cache = process.argv[2] ?? path.join(tmp, 'cache');
  try {
    console.log('| | pull base | then pull python3 | python3 alone |');
    console.log('|---|---:|---:|---:|');
    console.log(await pullAfterBase(tmp, cache, false));
    console.log(await pullAfterBase(tmp, cache, true));
    for (const line of await appChange(tmp, cache)) console.log(line);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

await main();
