/**
 * `pare check`: what must not be in a distroless image — a shell, a package
 * manager, setuid/setgid files, world-writable paths outside the temporary
 * directories, a root default user — and a summary (packages from status.d,
 * files, bytes, layers). Pure: over the merged file list and image config.
 */
import { matchAny } from '../tree/glob.js';
import { parentOf } from '../tree/path.js';
import type { TreeEntry } from '../tree/types.js';

export const CHECK_CATEGORIES = ['shell', 'package-manager', 'setuid', 'world-writable', 'root-user'] as const;
export type CheckCategory = (typeof CHECK_CATEGORIES)[number];

export const SHELLS = new Set(['sh', 'bash', 'dash', 'busybox', 'ash', 'zsh', 'ksh', 'mksh', 'csh', 'tcsh', 'fish']);
export const PACKAGE_MANAGERS = new Set(['apt', 'apt-get', 'dpkg', 'apk', 'rpm', 'yum', 'dnf', 'microdnf']);
/** Sticky temporary directories: world-writable by design. */
const TEMP_DIRS = ['tmp', 'var/tmp'];
/**
 * Lock directories (FHS): Debian's base-files ships /var/lock with mode 1777
 * (its postinst would turn it into a link to /run/lock, also 1777). Allowed
 * only as a sticky directory; what is inside is checked like anything else.
 */
const LOCK_DIRS = ['var/lock', 'run/lock'];
const stickyLockDir = (e: TreeEntry): boolean =>
  e.type === 'dir' && (e.mode & 0o1000) !== 0 && LOCK_DIRS.includes(e.path);

export interface Finding {
  category: CheckCategory;
  /** Image path ('/usr/bin/sh'); absent for the root user. */
  path?: string;
  message: string;
  /** Allowed by --allow or --allow-path: reported, not a failure. */
  allowed: boolean;
}

export interface CheckOptions {
  allow?: readonly CheckCategory[];
  /** Globs over image paths whose findings are allowed. */
  allowPaths?: readonly string[];
}

export interface CheckSummary {
  packages: { name: string; version: string }[];
  files: number;
  bytes: number;
  layers: number;
  user: string;
}

export interface CheckReport {
  ok: boolean;
  findings: Finding[];
  summary: CheckSummary;
}

const mode = (m: number): string => m.toString(8).padStart(4, '0');

function isBinDir(dir: string): boolean {
  const last = dir.slice(dir.lastIndexOf('/') + 1);
  return last === 'bin' || last === 'sbin' || dir === 'busybox';
}

/** Whether a User value runs as root: "", "0", "root", "0:GID", "root:GROUP". */
export function isRootUser(user: string | undefined): boolean {
  const who = (user ?? '').trim().split(':')[0];
  return who === '' || who === 'root' || /^0+$/.test(who!);
}

export function checkImage(
  entries: readonly TreeEntry[],
  config: { User?: string },
  layers: number,
  opts: CheckOptions = {},
): CheckReport {
  const byPath = new Map(entries.map((e) => [e.path, e]));
  const raw: Omit<Finding, 'allowed'>[] = [];
  for (const e of entries) {
    const name = e.path.slice(e.path.lastIndexOf('/') + 1);
    const abs = `/${e.path}`;
    if (e.type !== 'dir' && isBinDir(parentOf(e.path))) {
      const what = e.type === 'symlink' ? ` (a symlink to ${e.target})` : '';
      if (SHELLS.has(name)) raw.push({ category: 'shell', path: abs, message: `shell ${abs}${what}` });
      if (PACKAGE_MANAGERS.has(name))
        raw.push({ category: 'package-manager', path: abs, message: `package manager ${abs}${what}` });
    }
    const file = e.type === 'hardlink' ? (byPath.get(e.target!) ?? e) : e;
    if ((e.type === 'file' || e.type === 'hardlink') && (file.mode & 0o6000) !== 0) {
      const kind = (file.mode & 0o4000 ? ['setuid'] : []).concat(file.mode & 0o2000 ? ['setgid'] : []).join('+');
      raw.push({
        category: 'setuid',
        path: abs,
        message: `${kind} file ${abs} (mode ${mode(file.mode)}, uid ${file.uid})`,
      });
    }
    if (
      e.type !== 'symlink' &&
      (file.mode & 0o002) !== 0 &&
      !TEMP_DIRS.some((t) => e.path === t || e.path.startsWith(`${t}/`)) &&
      !stickyLockDir(e)
    ) {
      raw.push({
        category: 'world-writable',
        path: abs,
        message: `world-writable ${e.type === 'dir' ? 'directory' : 'file'} ${abs} (mode ${mode(file.mode)})`,
      });
    }
  }
  if (isRootUser(config.User)) {
    raw.push({ category: 'root-user', message: `the image runs as root (User ${JSON.stringify(config.User ?? '')})` });
  }
  const allow = new Set(opts.allow ?? []);
  const findings = raw.map((f) => ({
    ...f,
    allowed: allow.has(f.category) || (f.path !== undefined && matchAny(opts.allowPaths ?? [], f.path)),
  }));
  return { ok: findings.every((f) => f.allowed), findings, summary: summarize(entries, config, layers) };
}

function summarize(entries: readonly TreeEntry[], config: { User?: string }, layers: number): CheckSummary {
  let files = 0;
  let bytes = 0;
  const packages: { name: string; version: string }[] = [];
  const dec = new TextDecoder();
  for (const e of entries) {
    if (e.type === 'dir') continue;
    files++;
    if (e.type === 'file') bytes += e.data?.byteLength ?? 0;
    if (e.type === 'file' && e.path.startsWith('var/lib/dpkg/status.d/') && !e.path.endsWith('.md5sums')) {
      packages.push(...statusPackages(dec.decode(e.data)));
    } else if (e.type === 'file' && e.path === 'var/lib/dpkg/status') {
      packages.push(...statusPackages(dec.decode(e.data)));
    }
  }
  packages.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { packages, files, bytes, layers, user: config.User ?? '' };
}

/** Package and version of each installed paragraph in a dpkg status text. */
export function statusPackages(text: string): { name: string; version: string }[] {
  const out: { name: string; version: string }[] = [];
  for (const para of text.split(/\n\s*\n/)) {
    const name = /^Package:\s*(\S+)/m.exec(para)?.[1];
    const version = /^Version:\s*(\S+)/m.exec(para)?.[1];
    const status = /^Status:\s*(.*)$/m.exec(para)?.[1];
    // Status is "want flag status"; only "installed" counts (not half-installed, not-installed, ...).
    if (name && version && (status === undefined || status.trim().split(/\s+/)[2] === 'installed'))
      out.push({ name, version });
  }
  return out;
}
