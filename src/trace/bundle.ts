/**
 * An OCI runtime bundle for `pare trace`: the image's merged root filesystem
 * written to DIR/rootfs (owners, modes, links as in the image; needs root),
 * and DIR/config.json from `runc spec` with the image's argv, environment,
 * working directory and user, a read-only root, and the host's network
 * namespace so a probe on the host reaches a server in the container.
 */
import { createWriteStream } from 'node:fs';
import { chmod, lchown, link, mkdir, readFile, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { fileBytes } from '../tree/body.js';
import type { TreeEntry } from '../tree/types.js';
import { TraceError } from '../errors.js';

/** Write `entries` (sorted, parents first) under `root`. */
export async function writeRootfs(root: string, entries: readonly TreeEntry[]): Promise<void> {
  await mkdir(root, { recursive: true, mode: 0o755 });
  const dirs: TreeEntry[] = [];
  for (const e of entries) {
    const to = path.join(root, e.path);
    if (e.type === 'dir') {
      await mkdir(to, { recursive: true });
      dirs.push(e);
      continue;
    }
    if (e.type === 'symlink') await symlink(e.target ?? '', to);
    else if (e.type === 'hardlink') await link(path.join(root, e.target ?? ''), to);
    else if (e.body) await pipeline(Readable.from(e.body.open()), createWriteStream(to, { mode: 0o600 }));
    else await writeFile(to, fileBytes(e), { mode: 0o600 });
    if (e.type === 'file') await chmod(to, e.mode);
    if (e.type !== 'hardlink') await lchown(to, e.uid, e.gid);
  }
  for (const d of dirs.reverse()) {
    const to = path.join(root, d.path);
    await chmod(to, d.mode);
    await lchown(to, d.uid, d.gid);
    await utimes(to, 0, 0);
  }
}

interface RuntimeSpec {
  process: {
    terminal?: boolean;
    user: { uid: number; gid: number; additionalGids?: number[] };
    args: string[];
    env: string[];
    cwd: string;
  };
  root: { path: string; readonly: boolean };
  hostname?: string;
  linux?: { namespaces?: Array<{ type: string }> };
}

export interface ProcessSpec {
  args: string[];
  env: string[];
  cwd: string;
  uid: number;
  gid: number;
}

/** Patch the config.json `runc spec` wrote in `bundle`. */
export async function writeRuntimeConfig(bundle: string, p: ProcessSpec): Promise<void> {
  const file = path.join(bundle, 'config.json');
  const spec = JSON.parse(await readFile(file, 'utf8')) as RuntimeSpec;
  spec.process.terminal = false;
  spec.process.args = p.args;
  spec.process.env = p.env;
  spec.process.cwd = p.cwd;
  spec.process.user = { uid: p.uid, gid: p.gid };
  spec.root = { path: 'rootfs', readonly: true };
  spec.hostname = 'pare-trace';
  if (spec.linux?.namespaces) spec.linux.namespaces = spec.linux.namespaces.filter((n) => n.type !== 'network');
  await writeFile(file, JSON.stringify(spec, null, 1));
}

/** The numeric uid:gid of an image's User ("65532", "1000:1000", "app") from its /etc/passwd. */
export function imageUser(user: string | undefined, passwd: string | undefined): { uid: number; gid: number } {
  const u = user === undefined || user === '' ? '0' : user;
  const [name, group] = u.split(':');
  const line = (passwd ?? '').split('\n').find((l) => l.split(':')[0] === name || l.split(':')[2] === name);
  const fields = line?.split(':');
  const uid = /^\d+$/.test(name!) ? Number(name) : fields ? Number(fields[2]) : NaN;
  const gid = group !== undefined && /^\d+$/.test(group) ? Number(group) : fields ? Number(fields[3]) : uid;
  if (!Number.isInteger(uid) || !Number.isInteger(gid))
    throw new TraceError('TRACE_FAILED', `the image's user "${u}" is not in its /etc/passwd`, {
      hint: 'set accounts.run-as to a user the config defines, or a numeric uid',
    });
  return { uid, gid };
}
