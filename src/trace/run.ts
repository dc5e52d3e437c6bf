/**
 * `pare trace` as a library call: build the image (without minimization),
 * write it as a runc bundle, run its command under runc as the image's user
 * with its environment while strace, on the host, follows runc's process tree
 * into the container (strace.ts), and return the used image paths: each with
 * the symlinks on the way to it and what they point to, only paths the image
 * has. The run ends when the command exits, when the probe (a host command;
 * the container shares the host's network) returns, or at the timeout.
 *
 * Why strace: it follows forks and execs of the whole tree with one flag,
 * needs no kernel feature beyond ptrace (fanotify cannot see stat, access or
 * readlink, and marks whole mounts), is a Debian package, and decodes the
 * path of every fd, so *at() calls resolve exactly.
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import type { Config } from '../config/index.js';
import { TraceError } from '../errors.js';
import { build, type BuildOptions } from '../pipeline/build.js';
import { builtEntries } from '../pipeline/sbom.js';
import { fileBytes } from '../tree/body.js';
import { usedPaths } from '../tree/minimize.js';
import { imageUser, writeRootfs, writeRuntimeConfig } from './bundle.js';
import { StraceReader } from './strace.js';

const run = promisify(execFile);

export interface TraceOptions extends BuildOptions {
  /** The command to run instead of the image's entrypoint and cmd. */
  argv?: string[];
  /** A host command (sh -c) run once the container started; the trace stops when it returns. */
  probe?: string;
  /** Stop the command after this many milliseconds (default 60 s). */
  timeoutMs?: number;
  /** Where the container's stdout and stderr go. */
  output?: (chunk: Buffer) => void;
  /** Tool paths (default: runc and strace from PATH). */
  tools?: { runc?: string; strace?: string };
}

export interface TraceResult {
  arch: string;
  /** Used image paths, absolute, sorted. */
  paths: string[];
  /** The command's exit status (undefined when it was stopped). */
  code?: number;
  stopped?: 'probe' | 'timeout';
  probeCode?: number;
}

const HOST_ARCH: Record<string, string> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'armhf',
  ia32: 'i386',
  ppc64: 'ppc64el',
  s390x: 's390x',
  riscv64: 'riscv64',
};

async function checkTools(runc: string, strace: string): Promise<void> {
  if (process.getuid?.() !== 0)
    throw new TraceError('TRACE_TOOL', '`pare trace` runs the image with runc as root, and this is not root', {
      hint: 'run it as root (e.g. in CI, or with sudo); the build itself needs no root',
    });
  for (const [tool, args] of [
    [runc, ['--version']],
    [strace, ['-V']],
  ] as const) {
    await run(tool, [...args]).catch((e: unknown) => {
      throw new TraceError('TRACE_TOOL', `${tool} cannot be run: ${(e as Error).message}`, {
        hint: 'install it: apt-get install runc strace',
        cause: e,
      });
    });
  }
}

export async function traceImage(config: Config, opts: TraceOptions): Promise<TraceResult> {
  const runc = opts.tools?.runc ?? 'runc';
  const strace = opts.tools?.strace ?? 'strace';
  await checkTools(runc, strace);
  const arch = HOST_ARCH[process.arch] ?? process.arch;
  if (!config.archs.includes(arch))
    throw new TraceError('TRACE_FAILED', `${config.file} builds ${config.archs.join(', ')}, not this host's ${arch}`, {
      hint: `add ${arch} to archs: the image must run on this machine to be traced`,
    });
  const { minimize: _unused, ...full } = config; // trace the whole image: minimization needs the trace
  const result = await build({ ...full, archs: [arch] }, opts);
  const img = result.images[0]!;
  const entries = await builtEntries(img);
  const map = new Map(entries.map((e) => [e.path, e]));
  const passwd = map.get('etc/passwd');
  const cfg = img.image.config.config ?? {};
  const user = imageUser(cfg.User, passwd?.type === 'file' ? new TextDecoder().decode(fileBytes(passwd)) : undefined);
  const argv = opts.argv ?? [...(cfg.Entrypoint ?? []), ...(cfg.Cmd ?? [])];
  if (argv.length === 0)
    throw new TraceError('TRACE_FAILED', 'the image has no entrypoint or cmd, and no command was given', {
      hint: 'pare trace CONFIG -- COMMAND ARGS...',
    });
  const work = await mkdtemp(path.join(tmpdir(), 'pare-trace-'));
  const id = `pare-trace-${process.pid}-${randomBytes(4).toString('hex')}`;
  const state = path.join(work, 'state');
  const bundle = path.join(work, 'bundle');
  try {
    const rootfs = path.join(bundle, 'rootfs');
    await writeRootfs(rootfs, entries);
    await run(runc, ['spec', '--bundle', bundle]);
    const cwd = cfg.WorkingDir || '/';
    await writeRuntimeConfig(bundle, { args: argv, env: cfg.Env ?? [], cwd, ...user });
    const out = path.join(work, 'strace.out');
    const traceArgs = [
      '-f',
      '-qq',
      '-y',
      '--decode-pids=pidns',
      '-s',
      '4096',
      '-e',
      'trace=%file,chdir,fchdir,clone,clone3,fork,vfork',
    ];
    const outcome = await runTraced(
      strace,
      [...traceArgs, '-e', 'signal=none', '-o', out, runc, '--root', state, 'run', '--bundle', bundle, id],
      {
        runc,
        state,
        id,
        ...opts,
      },
    );
    const reader = new StraceReader({ rootfs: await realpath(rootfs), cwd });
    const lines = createInterface({ input: createReadStream(out), crlfDelay: Infinity });
    for await (const line of lines) reader.line(line);
    return { arch, paths: usedPaths(entries, reader.paths()), ...outcome };
  } finally {
    await run(runc, ['--root', state, 'delete', '--force', id]).catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  }
}

async function runTraced(
  strace: string,
  args: string[],
  o: TraceOptions & { runc: string; state: string; id: string },
): Promise<Omit<TraceResult, 'arch' | 'paths'>> {
  const child = spawn(strace, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const sink = o.output ?? (() => undefined);
  child.stdout.on('data', sink);
  child.stderr.on('data', sink);
  let stopped: TraceResult['stopped'];
  const kill = (why: NonNullable<TraceResult['stopped']>, signal: string) => {
    stopped ??= why;
    execFile(o.runc, ['--root', o.state, 'kill', o.id, signal], () => undefined);
  };
  const timer = setTimeout(() => kill('timeout', 'KILL'), o.timeoutMs ?? 60_000);
  let probeCode: number | undefined;
  let probeDone: Promise<void> = Promise.resolve();
  let stopProbe = (): void => undefined;
  const exited = new Promise<number | undefined>((resolve, reject) => {
    child.on('error', (e) =>
      reject(new TraceError('TRACE_FAILED', `${strace} could not start: ${e.message}`, { cause: e })),
    );
    child.on('close', (code) => resolve(code ?? undefined));
  });
  if (o.probe !== undefined) {
    const probe = spawn('sh', ['-c', o.probe], { stdio: ['ignore', 'pipe', 'pipe'] });
    probe.stdout.on('data', sink);
    probe.stderr.on('data', sink);
    stopProbe = () => probe.kill('SIGKILL');
    probeDone = new Promise((resolve) =>
      probe.on('close', (code) => {
        probeCode = code ?? 1;
        if (stopped === undefined && child.exitCode === null) {
          kill('probe', 'TERM');
          setTimeout(() => kill('probe', 'KILL'), 5_000).unref();
        }
        resolve();
      }),
    );
  }
  try {
    const code = await exited;
    if (probeCode === undefined) stopProbe(); // the command ended first: the probe has nothing left to probe
    await probeDone;
    return {
      ...(stopped ? { stopped } : { ...(code !== undefined ? { code } : {}) }),
      ...(probeCode !== undefined ? { probeCode } : {}),
    };
  } finally {
    clearTimeout(timer);
  }
}
