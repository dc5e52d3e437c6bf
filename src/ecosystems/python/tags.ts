/**
 * Wheel compatibility tags (PEP 425, PEP 600): the image's supported tags,
 * best first, computed as pip's `packaging.tags.sys_tags` would inside the
 * image — from the interpreter (cp311 for Debian 12's python3.11), the ABI
 * (cp311, abi3, none) and the platform (manylinux_2_M for every M up to the
 * image's glibc, their legacy aliases, linux_ARCH, any). Pure.
 */

export interface Interpreter {
  major: number;
  minor: number;
  /** glibc version of the image, e.g. [2, 36]. */
  glibc: [number, number];
  /** Python's machine name: x86_64, aarch64, ... */
  machine: string;
}

export interface WheelName {
  name: string;
  version: string;
  build?: string;
  /** Every (python, abi, platform) triple the file name expands to. */
  tags: string[];
}

const MACHINES: Record<string, string> = {
  amd64: 'x86_64',
  arm64: 'aarch64',
  i386: 'i686',
  armhf: 'armv7l',
  ppc64el: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
};

export function machineFor(dpkgArch: string): string {
  return MACHINES[dpkgArch] ?? dpkgArch;
}

/** "{name}-{ver}(-{build})?-{py}-{abi}-{plat}.whl" → parts; undefined when not a wheel name. */
export function parseWheelName(filename: string): WheelName | undefined {
  if (!filename.endsWith('.whl')) return undefined;
  const parts = filename.slice(0, -4).split('-');
  if (parts.length !== 5 && parts.length !== 6) return undefined;
  const [name, version] = parts as [string, string];
  const [py, abi, plat] = parts.slice(-3) as [string, string, string];
  const tags: string[] = [];
  for (const p of py.split('.'))
    for (const a of abi.split('.')) for (const l of plat.split('.')) tags.push(`${p}-${a}-${l}`);
  return { name, version, build: parts.length === 6 ? parts[2] : undefined, tags };
}

function platforms(i: Interpreter): string[] {
  const m = i.machine;
  const out: string[] = [];
  const legacy: Record<number, string> = { 17: 'manylinux2014', 12: 'manylinux2010', 5: 'manylinux1' };
  if (i.glibc[0] === 2) {
    for (let minor = i.glibc[1]; minor >= 5; minor--) {
      out.push(`manylinux_2_${minor}_${m}`);
      if (minor === 17) out.push(`manylinux2014_${m}`);
      else if (legacy[minor] && (m === 'x86_64' || m === 'i686')) out.push(`${legacy[minor]}_${m}`);
    }
  }
  out.push(`linux_${m}`);
  return out;
}

/** The supported tags, best first, as "python-abi-platform". */
export function supportedTags(i: Interpreter): string[] {
  const cp = `cp${i.major}${i.minor}`;
  const plats = platforms(i);
  const out: string[] = [];
  for (const abi of [cp, 'abi3', 'none']) for (const p of plats) out.push(`${cp}-${abi}-${p}`);
  for (let minor = i.minor - 1; minor >= 2; minor--) for (const p of plats) out.push(`cp${i.major}${minor}-abi3-${p}`);
  const pys = [`py${i.major}${i.minor}`, `py${i.major}`];
  for (let minor = i.minor - 1; minor >= 0; minor--) pys.push(`py${i.major}${minor}`);
  for (const py of pys) for (const p of plats) out.push(`${py}-none-${p}`);
  out.push(`${cp}-none-any`);
  for (const py of pys) out.push(`${py}-none-any`);
  return out;
}

/** Rank of a wheel for the image: the best (lowest) index of any of its tags, or undefined when none is supported. */
export function wheelRank(w: WheelName, supported: ReadonlyMap<string, number>): number | undefined {
  let best: number | undefined;
  for (const t of w.tags) {
    const r = supported.get(t);
    if (r !== undefined && (best === undefined || r < best)) best = r;
  }
  return best;
}

/** Why a wheel does not fit, in words, for error messages. */
export function whyIncompatible(w: WheelName, i: Interpreter): string {
  const cp = `cp${i.major}${i.minor}`;
  const reasons = new Set<string>();
  for (const t of w.tags) {
    const [py, abi, plat] = t.split('-') as [string, string, string];
    const mm = /^manylinux_(\d+)_(\d+)_(.+)$/.exec(plat);
    if (mm && (Number(mm[1]) > i.glibc[0] || Number(mm[2]) > i.glibc[1]))
      reasons.add(`${plat} needs glibc ${mm[1]}.${mm[2]}, the image has ${i.glibc.join('.')}`);
    else if (plat !== 'any' && !plat.endsWith(`_${i.machine}`)) reasons.add(`${plat} is not ${i.machine}`);
    else if (!plat.startsWith('manylinux') && !plat.startsWith('linux') && plat !== 'any')
      reasons.add(`${plat} is not Linux`);
    if (/^cp\d+$/.test(py) && py !== cp && abi !== 'abi3') reasons.add(`${py} is not the image's ${cp}`);
    if (/^cp\d+$/.test(abi) && abi !== cp) reasons.add(`ABI ${abi} is not the image's ${cp}`);
  }
  return [...reasons].join('; ') || 'no tag matches the image';
}
