/**
 * /etc/ssl/certs/ca-certificates.crt as update-ca-certificates builds it.
 * The package's postinst enables every certificate under
 * /usr/share/ca-certificates (ca-certificates.conf lists them all, sorted);
 * update-ca-certificates then appends each one to the bundle, adding a
 * missing final newline, and links /etc/ssl/certs/NAME.pem to it. We do the
 * same in a fixed order: sorted by path, bytewise. Pure.
 */
import type { InstalledPackage } from '../pipeline/assemble.js';
import { compareBytewise } from '../tree/path.js';
import type { FileTree } from '../tree/tree.js';
import { fileBytes } from '../tree/body.js';

export const CA_BUNDLE = 'etc/ssl/certs/ca-certificates.crt';
const CERT_DIR = 'usr/share/ca-certificates/';

/** The file name update-ca-certificates gives a certificate's .pem link. */
export function pemName(certPath: string): string {
  const base = certPath.slice(certPath.lastIndexOf('/') + 1).replace(/\.crt$/, '');
  return `${base.replace(/ /g, '_').replace(/[()]/g, '=').replace(/,/g, '_')}.pem`;
}

/** The certificates the bundle is made of, in bundle order (image paths). */
export function bundleCertificates(tree: FileTree): string[] {
  return tree
    .entries()
    .filter(
      (e) => e.path.startsWith(CERT_DIR) && e.path.endsWith('.crt') && (e.type === 'file' || e.type === 'hardlink'),
    )
    .map((e) => e.path)
    .sort(compareBytewise);
}

/** Concatenate certificates, each ending with a newline. */
export function concatCertificates(certs: readonly Uint8Array[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const c of certs) {
    parts.push(c);
    if (c.byteLength > 0 && c[c.byteLength - 1] !== 0x0a) parts.push(new Uint8Array([0x0a]));
  }
  return Buffer.concat(parts);
}

/**
 * Add the bundle and the .pem links when ca-certificates is installed.
 * Returns the number of certificates (0 when the package is absent).
 */
export function addCaBundle(
  tree: FileTree,
  packages: readonly InstalledPackage[],
  opts: { links?: boolean } = {},
): number {
  if (!packages.some((p) => p.record.name === 'ca-certificates')) return 0;
  const certs = bundleCertificates(tree);
  const data = certs.map((p) => {
    const e = tree.resolve(p);
    return e ? fileBytes(e) : new Uint8Array(0);
  });
  tree.add(
    { path: CA_BUNDLE, type: 'file', mode: 0o644, uid: 0, gid: 0, data: concatCertificates(data), owner: 'pare' },
    { replace: true },
  );
  if (opts.links !== false) {
    for (const p of certs) {
      tree.add(
        {
          path: `etc/ssl/certs/${pemName(p)}`,
          type: 'symlink',
          mode: 0o777,
          uid: 0,
          gid: 0,
          target: `/${p}`,
          owner: 'pare',
        },
        { replace: true },
      );
    }
  }
  return certs.length;
}
