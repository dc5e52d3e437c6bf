/**
 * The paths a traced container's process tree used, from the output of
 * `strace -f -y --decode-pids=pidns -e trace=%file,chdir,fchdir,clone,...`
 * around `runc run`. strace
 * follows runc into the container; the application starts at the first
 * successful execve whose argv[0] is not runc's own (runc init execs the
 * entrypoint), and from there every process it forks is traced too. Each
 * path argument of a file syscall (open, stat, access, readlink, execve, ...)
 * counts, made absolute against the process's working directory or the fd it
 * is relative to; with `-y` strace decodes fds and returned fds to host paths,
 * which are mapped back into the container by `rootfs`. Pure.
 */
import { normalizeAbsolute } from '../tree/trace-file.js';

export interface StraceOptions {
  /** The bundle's root filesystem on the host: fd paths under it are container paths. */
  rootfs: string;
  /** The container process's working directory. */
  cwd: string;
}

/** Undo strace's C-style string quoting. */
function unquote(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/g, (_, c: string) => {
    if (c[0] === 'x') return String.fromCharCode(parseInt(c.slice(1), 16));
    if (/^[0-7]+$/.test(c)) return String.fromCharCode(parseInt(c, 8));
    return ({ n: '\n', t: '\t', r: '\r', v: '\v', f: '\f' } as Record<string, string>)[c] ?? c;
  });
}

const STRING = /"((?:[^"\\]|\\.)*)"/g;
const FD = /^(-?\d+|AT_FDCWD)(?:<((?:[^>\\]|\\.)*)>)?/;
const LINE = /^(\d+)\s+(?:<\.\.\. (\w+) resumed>|(\w+)\()(.*)$/;
const FORK = /^(clone3?|fork|vfork)$/;
/** Syscalls whose first argument is a directory fd the path is relative to. */
const AT =
  /^(openat2?|newfstatat|fstatat64|statx|faccessat2?|readlinkat|execveat|mkdirat|unlinkat|fchmodat|fchownat|utimensat|mknodat|renameat2?|linkat)$/;

export class StraceReader {
  readonly #traced = new Set<number>();
  readonly #cwd = new Map<number, string>();
  readonly #used = new Set<string>();
  /**
   * Lines of pids not known to be traced yet: a child's first syscalls can be
   * printed before its parent's clone() returns its pid. Replayed when a
   * traced parent's clone names it.
   */
  readonly #early = new Map<number, string[]>();
  /** Lines of a syscall started but not finished yet, by pid. */
  readonly #pending = new Map<number, { name: string; args: string }>();

  constructor(readonly opts: StraceOptions) {}

  /**
   * The container path of an fd's path as strace shows it: under the rootfs
   * on the host, or already the container's own path (the kernel prints a
   * path outside the tracer's root relative to the container's root).
   */
  #inside(host: string): string | undefined {
    const root = this.opts.rootfs.replace(/\/+$/, '');
    if (host === root) return '/';
    if (host.startsWith(`${root}/`)) return host.slice(root.length);
    return host.startsWith('/') ? host : undefined;
  }

  #add(pid: number, path: string, dirfd?: string): void {
    if (path === '') return;
    let abs: string;
    if (path.startsWith('/')) abs = path;
    else if (dirfd !== undefined && dirfd !== 'AT_FDCWD') {
      const base = this.#inside(dirfd);
      if (base === undefined) return;
      abs = `${base}/${path}`;
    } else abs = `${this.#cwd.get(pid) ?? this.opts.cwd}/${path}`;
    this.#used.add(normalizeAbsolute(abs));
  }

  /** Feed one line of strace output. */
  line(text: string): void {
    const m = LINE.exec(text);
    if (!m) return;
    const pid = Number(m[1]);
    let name = m[3] ?? m[2]!;
    let rest = m[4]!;
    if (m[2] !== undefined) {
      const p = this.#pending.get(pid);
      this.#pending.delete(pid);
      if (!p) return;
      name = p.name;
      rest = p.args + rest;
    } else if (rest.endsWith('<unfinished ...>')) {
      this.#pending.set(pid, { name, args: rest.slice(0, -'<unfinished ...>'.length) });
      return;
    }
    const done = /^(.*)\)\s+= (.*)$/s.exec(rest); // strace pads resumed lines: ")     = 0"
    const args = done ? done[1]! : rest;
    const ret = done ? done[2]! : '';
    const ok = /^\d/.test(ret);
    if (FORK.test(name)) {
      // In the container's PID namespace clone returns its own pid; --decode-pids=pidns adds the host's.
      const child = (/\/\* (\d+) in strace's PID NS \*\//.exec(ret) ?? /^(\d+)/.exec(ret))?.[1];
      if (child !== undefined && this.#traced.has(pid) && !this.#traced.has(Number(child))) {
        const c = Number(child);
        this.#traced.add(c);
        this.#cwd.set(c, this.#cwd.get(pid) ?? this.opts.cwd);
        const early = this.#early.get(c) ?? [];
        this.#early.delete(c);
        for (const l of early) this.line(l);
      }
      return;
    }
    const strings = [...args.matchAll(STRING)].map((s) => unquote(s[1]!));
    if (name === 'execve' || name === 'execveat') {
      const argv0 = /\[\s*"((?:[^"\\]|\\.)*)"/.exec(args)?.[1];
      if (!this.#traced.has(pid) && ok && argv0 !== undefined && unquote(argv0) !== 'runc') {
        this.#traced.add(pid);
        this.#cwd.set(pid, this.opts.cwd);
      }
    }
    if (!this.#traced.has(pid)) {
      const early = this.#early.get(pid) ?? [];
      if (early.length < 1_000_000) early.push(`${pid} ${name}(${rest}`); // finished: replays as one line
      this.#early.set(pid, early);
      return;
    }
    if (name === 'chdir' && ok && strings[0] !== undefined) {
      const to = strings[0].startsWith('/') ? strings[0] : `${this.#cwd.get(pid) ?? this.opts.cwd}/${strings[0]}`;
      this.#cwd.set(pid, normalizeAbsolute(to));
    }
    if (name === 'fchdir' && ok) {
      const dir = this.#inside(FD.exec(args)?.[2] ?? '');
      if (dir !== undefined) this.#cwd.set(pid, dir);
    }
    const fd = AT.test(name) ? FD.exec(args) : null;
    // -y shows the working directory too: AT_FDCWD</usr/share>
    const first = strings[0];
    if (first !== undefined && !/^(chdir|fchdir)$/.test(name))
      this.#add(pid, first, fd?.[1] === 'AT_FDCWD' && fd[2] === undefined ? undefined : (fd?.[2] ?? fd?.[1]));
    if (/^(rename|renameat2?|link|linkat|symlink|symlinkat)$/.test(name) && strings[1] !== undefined)
      this.#add(pid, strings[1]);
    // A returned fd decoded by -y (open, openat) is the file after every symlink: its real path.
    const got = /^\d+<((?:[^>\\]|\\.)*)>/.exec(ret)?.[1];
    const real = got === undefined ? undefined : this.#inside(unquote(got));
    if (real !== undefined) this.#used.add(real);
  }

  /** The paths used so far (unsorted; formatTrace sorts). */
  paths(): string[] {
    return [...this.#used];
  }
}
