/**
 * The catalog test's syft check: scan a built layout once, and gather what
 * pare says about the same image (the lock file written for its config, the
 * SPDX and CycloneDX SBOMs `pare build` wrote next to the layout).
 */
import { readFile } from 'node:fs/promises';
import { syftScan, type OtherPackage, type PackageSets } from '../../helpers/syft.js';

export interface CatalogSyft {
  sets: PackageSets;
  others: OtherPackage[];
  /** Is every file of a non-Debian finding a file of a Debian package? */
  ownedByDeb(p: OtherPackage): boolean;
}

export async function catalogSyft(layout: string, lockFile: string): Promise<CatalogSyft> {
  const scan = await syftScan(layout);
  const json = async <T>(file: string): Promise<T> => JSON.parse(await readFile(file, 'utf8')) as T;
  return {
    sets: {
      syft: scan.debs,
      lock: await json(lockFile),
      spdx: await json(`${layout}.spdx.json`),
      cyclonedx: await json(`${layout}.cdx.json`),
    },
    others: scan.others,
    ownedByDeb: (p) => p.locations.length > 0 && p.locations.every((l) => scan.debFiles.has(l)),
  };
}
