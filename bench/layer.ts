/**
 * Benchmark: layer speed on a realistic ~25 MB tree (host binaries and
 * libraries, read once into memory), per gzip level, against a single-threaded
 * zlib.gzipSync reference. Run: npm run build && node dist/bench/layer.js
 */
import { readdirSync, readFileSync, lstatSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildLayer, layerTar } from '../src/oci/layer.js';
import type { TreeEntry } from '../src/tree/types.js';

const TARGET = 25_000_000;

function hostTree(): TreeEntry[] {
  const out: TreeEntry[] = [];
  let total = 0;
  const walk = (abs: string, rel: string): void => {
    let names: string[];
    try {
      names = readdirSync(abs).sort();
    } catch {
      return;
    }
    for (const n of names) {
      if (total >= TARGET) return;
      const a = path.join(abs, n);
      const r = rel ? `${rel}/${n}` : n;
      const st = lstatSync(a, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) {
        out.push({ path: r, type: 'dir', mode: 0o755, uid: 0, gid: 0 });
        walk(a, r);
      } else if (st.isFile() && st.size < 8 << 20) {
        try {
          out.push({
            path: r,
            type: 'file',
            mode: st.mode & 0o7777,
            uid: 0,
            gid: 0,
            data: readFileSync(a),
            mtime: st.mtimeMs / 1000,
          });
          total += st.size;
        } catch {
          /* unreadable: skip */
        }
      } else if (st.isSymbolicLink()) {
        out.push({ path: r, type: 'symlink', mode: 0o777, uid: 0, gid: 0, target: 'x' });
      }
    }
  };
  for (const d of ['/usr/bin', '/usr/lib/x86_64-linux-gnu', '/usr/share/perl']) walk(d, d.slice(1));
  // synthetic filler if the host has little
  for (let i = 0; total < TARGET; i++) {
    const data = Buffer.alloc(1 << 20);
    for (let j = 0; j < data.length; j++) data[j] = (j * 31 + i * 7 + (j >> 11)) & 0xff;
    out.push({ path: `filler/${i}`, type: 'file', mode: 0o644, uid: 0, gid: 0, data });
    total += data.length;
  }
  return out.filter((e, i, a) => a.findIndex((x) => x.path === e.path) === i);
}

async function main(): Promise<void> {
  const t = { diagnostic: (s: string) => console.log(s) };
  const tree = hostTree();
  const mb = (n: number): string => (n / 1e6).toFixed(2);
  let t0 = performance.now();
  const { tar } = layerTar(tree, 1_700_000_000);
  t.diagnostic(`tar: ${tree.length} entries, ${mb(tar.length)} MB in ${(performance.now() - t0).toFixed(0)} ms`);
  await buildLayer(tree, { mtime: 1_700_000_000, level: 1 }); // warm up the thread pool

  const times: Record<number, number> = {};
  for (const level of [1, 3, 6, 9]) {
    t0 = performance.now();
    const l = await buildLayer(tree, { mtime: 1_700_000_000, level });
    times[level] = performance.now() - t0;
    t.diagnostic(`level ${level}: ${mb(l.size)} MB in ${times[level].toFixed(0)} ms (tar + gzip + both digests)`);
  }
  t0 = performance.now();
  const serial = gzipSync(tar, { level: 6 });
  t.diagnostic(
    `reference: serial zlib.gzipSync level 6: ${mb(serial.length)} MB in ${(performance.now() - t0).toFixed(0)} ms`,
  );
}

await main();
