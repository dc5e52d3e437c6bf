/**
 * A generated Debian archive in two states, for `pare outdated` and `pare
 * lock --update`: MAIN is what a lock is made from; UPDATES is what the
 * security and updates suites carry afterwards (newer uploads whose
 * changelog.Debian.gz name CVEs, a doc directory linked to a sibling's, a new
 * dependency, a non-security update without changelog).
 */
import { gzipSync } from 'node:zlib';
import { fromSource, type FixturePackage, type FixtureRepo } from '../helpers/repo.js';

const entry = (src: string, v: string, dist: string, urgency: string, text: string) =>
  `${src} (${v}) ${dist}; urgency=${urgency}\n\n  * ${text}\n\n -- Maint <m@example.invalid>  Mon, 01 Jan 2024 00:00:00 +0000\n\n`;
const changelog = (name: string, ...entries: string[]) => ({
  path: `./usr/share/doc/${name}/changelog.Debian.gz`,
  data: gzipSync(entries.join('')),
});

const LIBFOO_1 = entry('libfoo', '1.0-1', 'bookworm', 'medium', 'Initial release (fixes CVE-2020-0001).');
const LIBFOO_U1 = entry('libfoo', '1.0-1+deb12u1', 'bookworm-security', 'high', 'Fix CVE-2024-1234: overflow.');
const LIBFOO_U2 = entry(
  'libfoo',
  '1.0-1+deb12u2',
  'bookworm-security',
  'medium',
  'Fix CVE-2024-5555 and CVE-2023-99999.',
);
const LIBBAR_U1 = entry('libbar', '2.0-1+deb12u1', 'bookworm-security', 'low', 'Fix CVE-2024-7777.');

export const MAIN: FixturePackage[] = [
  { name: 'app', version: '1.0', depends: 'libfoo (>= 1.0), libbar1, zdata' },
  { name: 'libfoo', version: '1.0-1', files: [changelog('libfoo', LIBFOO_1)] },
  // libbar1's doc directory links to libbar-common's, as libgcc-s1's to gcc-12-base's.
  {
    name: 'libbar1',
    version: '2.0-1',
    depends: 'libbar-common (= 2.0-1)',
    ...fromSource('libbar', '2.0-1'),
    files: [{ path: './usr/share/doc/libbar1', type: 'symlink', target: 'libbar-common' }],
  },
  { name: 'libbar-common', version: '2.0-1', ...fromSource('libbar', '2.0-1'), files: [changelog('libbar-common')] },
  { name: 'zdata', version: '2024a-0', files: [{ path: './usr/share/zdata', data: 'a' }] },
  { name: 'app-extra', version: '1.0' },
];

/** What the security and updates suites carry after the lock was made. */
export const UPDATES: Record<string, FixturePackage[]> = {
  'bookworm-security': [
    {
      name: 'libfoo',
      version: '1.0-1+deb12u2',
      depends: 'libnew',
      files: [changelog('libfoo', LIBFOO_U2, LIBFOO_U1, LIBFOO_1)],
    },
    { name: 'libnew', version: '1.0' },
    {
      name: 'libbar1',
      version: '2.0-1+deb12u1',
      depends: 'libbar-common (= 2.0-1+deb12u1)',
      ...fromSource('libbar', '2.0-1+deb12u1'),
      files: [{ path: './usr/share/doc/libbar1', type: 'symlink', target: 'libbar-common' }],
    },
    {
      name: 'libbar-common',
      version: '2.0-1+deb12u1',
      ...fromSource('libbar', '2.0-1+deb12u1'),
      files: [changelog('libbar-common', LIBBAR_U1)],
    },
  ],
  'bookworm-updates': [{ name: 'zdata', version: '2024b-0', files: [{ path: './usr/share/zdata', data: 'b' }] }],
};

export function configText(repo: FixtureRepo, packages = '[app]'): string {
  return `contents:\n  repositories:\n    - url: ${repo.url}\n      suites: [bookworm, bookworm-updates, bookworm-security]\n  keyring: [${repo.keyringFile}]\n  packages: ${packages}\n`;
}
