/** Fixtures for distroless tests: installed packages with control and md5sums text. */
import type { InstalledPackage } from '../../src/pipeline/assemble.js';
import type { PackageRecord } from '../../src/sources/debian/packages-index.js';

export function installed(name: string, version = '1.0', extra = ''): InstalledPackage {
  const control = `Package: ${name}\nVersion: ${version}\nArchitecture: amd64\nMaintainer: T <t@example.invalid>\n${extra}Description: ${name}\n long text\n .\n more\n`;
  return {
    record: { name, version } as PackageRecord,
    control: { control, md5sums: `d41d8cd98f00b204e9800998ecf8427e  usr/share/doc/${name}/copyright\n` },
    newest: 0,
  };
}

/** A fake busybox binary: ELF-ish noise around the applet name table, as busybox lays it out. */
export function fakeBusybox(applets = ['[', '[[', 'ash', 'busybox', 'cat', 'ls', 'sh', 'wget']): Buffer {
  return Buffer.concat([
    Buffer.from('\x7fELF\x02\x01\x01\0noise\0'),
    Buffer.from(`\0${applets.join('\0')}\0`, 'latin1'),
    Buffer.from('\0\0%s: applet not found\0zzz\0a\0'),
  ]);
}
