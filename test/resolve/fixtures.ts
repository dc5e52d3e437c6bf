/** Small Packages texts for solver tests: one object per stanza, fields in Debian's order. */
import { parsePackagesIndex } from '../../src/sources/debian/packages-index.js';
import { Universe } from '../../src/resolve/universe.js';

export interface P {
  name: string;
  version?: string;
  arch?: string;
  [field: string]: string | undefined;
}

export function packagesText(pkgs: P[]): string {
  return pkgs
    .map((p) => {
      const { name, version = '1.0', arch = 'amd64', ...rest } = p;
      let s = `Package: ${name}\nVersion: ${version}\nArchitecture: ${arch}\n`;
      for (const [k, v] of Object.entries(rest)) if (v !== undefined) s += `${k}: ${v}\n`;
      const file = `pool/main/${name[0]}/${name}/${name}_${version.replace(/^\d+:/, '')}_${arch}.deb`;
      return s + `Filename: ${file}\nSize: 1000\nSHA256: ${'0'.repeat(64)}\nDescription: ${name}\n`;
    })
    .join('\n');
}

/** A universe from one or more suites (each a list of stanzas), in order. */
export function universe(...suites: P[][]): Universe {
  const u = new Universe('amd64');
  suites.forEach((s, i) =>
    u.addIndex(
      parsePackagesIndex(packagesText(s), `suite${i}/Packages`, {
        url: 'http://repo.invalid/debian',
        suite: `suite${i}`,
        component: 'main',
      }),
    ),
  );
  return u;
}
