/**
 * Test helper: run an image from an OCI layout for real.
 * `umoci unpack` turns DIR:TAG into a runtime bundle, we patch its
 * config.json (no terminal; args; user), then `runc run` it with a private
 * state root and a timeout, and always clean up (runc delete --force, rm the
 * bundle). Uses runc, not crun (crun fails on this machine's cgroup layout).
 * A tag naming an image index is first narrowed to this host's platform
 * with `skopeo copy`. Tools: apt-get install -y runc umoci skopeo.
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { run } from './tools.js';

export interface RunImageOptions {
  /** The tag in the layout; or pass "DIR:TAG" as the first argument. */
  tag?: string;
  /** Replace the image's Cmd (Docker semantics: the Entrypoint stays). */
  args?: string[];
  /** Replace the whole argv (Entrypoint and Cmd). */
  argv?: string[];
  /** "UID" or "UID:GID" (numeric), overriding the image's User. */
  user?: string;
  /** Extra "K=V" environment entries. */
  env?: string[];
  /** Milliseconds before the container is killed; default 30 s. */
  timeoutMs?: number;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

interface BundleConfig {
  process: {
    terminal?: boolean;
    args: string[];
    env?: string[];
    user: { uid: number; gid: number; additionalGids?: number[] };
  };
}

function splitRef(ref: string, tag?: string): { dir: string; tag: string } {
  if (tag !== undefined) return { dir: ref, tag };
  const i = ref.lastIndexOf(':');
  if (i <= 0 || ref.slice(i + 1).includes('/')) throw new Error(`runImage: no tag in ${ref}; pass DIR:TAG or opts.tag`);
  return { dir: ref.slice(0, i), tag: ref.slice(i + 1) };
}

export async function runImage(layoutDirOrRef: string, opts: RunImageOptions = {}): Promise<RunResult> {
  const { dir, tag } = splitRef(layoutDirOrRef, opts.tag);
  const work = await mkdtemp(path.join(tmpdir(), 'pare-runc-'));
  const bundle = path.join(work, 'bundle');
  const state = path.join(work, 'state');
  const id = `pare-test-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    // umoci cannot unpack a tag that names an image index ("tag is ambiguous"):
    // let skopeo pick this host's platform into a one-image layout first.
    let image = `${dir}:${tag}`;
    if (await namesIndex(dir, tag)) {
      await run('skopeo', ['copy', '--quiet', `oci:${dir}:${tag}`, `oci:${path.join(work, 'layout')}:run`]);
      image = `${path.join(work, 'layout')}:run`;
    }
    await run('umoci', ['unpack', '--image', image, bundle], { maxBuffer: 16 << 20 });
    const cfgPath = path.join(bundle, 'config.json');
    const cfg = JSON.parse(await readFile(cfgPath, 'utf8')) as BundleConfig;
    cfg.process.terminal = false;
    if (opts.argv) cfg.process.args = opts.argv;
    else if (opts.args) {
      const { stdout } = await run('skopeo', ['inspect', '--config', `oci:${dir}:${tag}`]);
      const image = JSON.parse(stdout) as { config?: { Entrypoint?: string[] | null } };
      cfg.process.args = [...(image.config?.Entrypoint ?? []), ...opts.args];
    }
    if (opts.user !== undefined) {
      const [uid, gid] = opts.user.split(':');
      if (!/^\d+$/.test(uid ?? '') || (gid !== undefined && !/^\d+$/.test(gid)))
        throw new Error(`runImage: user must be numeric UID[:GID], got ${opts.user}`);
      cfg.process.user = { uid: Number(uid), gid: Number(gid ?? uid) };
    }
    if (opts.env) cfg.process.env = [...(cfg.process.env ?? []), ...opts.env];
    await writeFile(cfgPath, JSON.stringify(cfg));
    return await runc(['--root', state, 'run', '--bundle', bundle, id], opts.timeoutMs ?? 30_000);
  } finally {
    await run('runc', ['--root', state, 'delete', '--force', id]).catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  }
}

async function namesIndex(dir: string, tag: string): Promise<boolean> {
  const index = JSON.parse(await readFile(path.join(dir, 'index.json'), 'utf8')) as {
    manifests?: { mediaType?: string; annotations?: Record<string, string> }[];
  };
  const d = index.manifests?.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag);
  return d?.mediaType === 'application/vnd.oci.image.index.v1+json';
}

function runc(args: string[], timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('runc', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      const id = args[args.length - 1]!;
      execFile('runc', [args[0]!, args[1]!, 'kill', id, 'KILL'], () => child.kill('SIGKILL'));
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString();
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString(),
        stderr: timedOut ? `${stderr}\n[runImage: killed after ${timeoutMs} ms]` : stderr,
      });
    });
  });
}
