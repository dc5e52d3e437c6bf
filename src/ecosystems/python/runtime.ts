/**
 * The image's Python, from the resolved Debian packages: the interpreter
 * version from python3.X (cp311 on Debian 12), glibc from libc6, the machine
 * from the architecture; and where packages go (Debian's python reads
 * /usr/local/lib/python3.X/dist-packages). Pure.
 */
import { AppError } from '../../errors.js';
import type { RuntimeFacts } from '../types.js';
import { machineFor, type Interpreter } from './tags.js';
import type { Scheme } from './wheel.js';

export interface PythonRuntime extends Interpreter {
  /** Full version, e.g. 3.11.2. */
  full: string;
  /** The Debian package the components depend on (python3 when present). */
  package: string;
}

const upstream = (v: string) => v.replace(/^\d+:/, '').replace(/[-+~].*$/, '');

export function pythonRuntime(rt: RuntimeFacts): PythonRuntime {
  let found: { minor: number; version: string; name: string } | undefined;
  for (const [name, version] of rt.packages) {
    const m = /^(?:lib)?python3\.(\d+)(?:-minimal)?$/.exec(name);
    if (m && (!found || Number(m[1]) > found.minor)) found = { minor: Number(m[1]), version, name };
  }
  if (!found)
    throw new AppError('APP_NOT_FOUND', 'python: the image has no Python interpreter to install wheels for', {
      hint: 'add python3 to contents.packages',
    });
  const libc = rt.packages.get('libc6');
  const g = libc ? /^(?:\d+:)?(\d+)\.(\d+)/.exec(libc) : null;
  if (!g)
    throw new AppError('APP_NOT_FOUND', 'python: the image has no glibc (libc6), so no manylinux wheel can run', {
      hint: 'add libc6 (python3 depends on it) to contents.packages',
    });
  const full = upstream(found.version);
  return {
    major: 3,
    minor: found.minor,
    full: full.startsWith(`3.${found.minor}`) ? full : `3.${found.minor}`,
    glibc: [Number(g[1]), Number(g[2])],
    machine: machineFor(rt.arch),
    package: rt.packages.has('python3') ? 'python3' : found.name,
  };
}

export function schemeFor(py: PythonRuntime, target?: string): Scheme {
  const x = `python${py.major}.${py.minor}`;
  return {
    site: (target ?? `/usr/local/lib/${x}/dist-packages`).replace(/^\/+/, ''),
    scripts: 'usr/local/bin',
    headers: `usr/local/include/${x}`,
    data: 'usr/local',
    python: '/usr/bin/python3',
  };
}
