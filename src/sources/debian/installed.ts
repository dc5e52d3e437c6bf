/** A Debian package as installed into an image: its index record and its .deb's control files. */
import type { DebContents } from './deb.js';
import type { PackageRecord } from './packages-index.js';

export interface InstalledPackage {
  record: PackageRecord;
  /** The .deb's control files (control, md5sums, conffiles). */
  control: Omit<DebContents, 'data'>;
  /** Newest mtime among the package's files (seconds). */
  newest: number;
}
