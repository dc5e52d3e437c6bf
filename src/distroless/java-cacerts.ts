/**
 * /etc/ssl/certs/java/cacerts: the Java trust store that ca-certificates-java's
 * update-ca-certificates hook would write by running keytool. Debian's JREs
 * ship lib/security/cacerts as a link to it; without it Java trusts no CA.
 * We write it as a JKS keystore (Java reads it whatever keystore.type says,
 * keystore.type.compat is on by default) of trusted-certificate entries, one
 * per certificate of the CA bundle, aliased "debian:NAME.pem" as the hook
 * does, with the keystore's default password "changeit" in the integrity
 * digest. Deterministic: bundle order, timestamps 0. Pure.
 */
import { createHash, X509Certificate } from 'node:crypto';
import type { FileTree } from '../tree/tree.js';
import { bundleCertificates, pemName } from './ca-bundle.js';
import { fileBytes } from '../tree/body.js';

export const JAVA_CACERTS = 'etc/ssl/certs/java/cacerts';
const JKS_MAGIC = 0xfeedfeed;
const JKS_VERSION = 2;
const TRUSTED_CERT = 2;

export interface TrustedCert {
  alias: string;
  /** DER bytes of the X.509 certificate. */
  der: Uint8Array;
}

/** Java's DataOutput.writeUTF: a u16 length and modified UTF-8 (ASCII aliases are plain UTF-8). */
function utf(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  if (b.length > 0xffff || s.includes('\0')) throw new Error(`JKS alias not encodable: ${JSON.stringify(s)}`);
  const len = Buffer.alloc(2);
  len.writeUInt16BE(b.length);
  return Buffer.concat([len, b]);
}

const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

/** A JKS keystore holding only trusted certificates, with the integrity digest for `password`. */
export function jksTrustStore(certs: readonly TrustedCert[], password = 'changeit'): Uint8Array {
  const parts: Buffer[] = [u32(JKS_MAGIC), u32(JKS_VERSION), u32(certs.length)];
  for (const c of certs) {
    parts.push(
      u32(TRUSTED_CERT),
      utf(c.alias.toLowerCase()),
      Buffer.alloc(8) /* timestamp 0 */,
      utf('X.509'),
      u32(c.der.byteLength),
      Buffer.from(c.der),
    );
  }
  const body = Buffer.concat(parts);
  // JavaKeyStore: SHA-1 over the password as UTF-16BE chars, "Mighty Aphrodite", then the body.
  const digest = createHash('sha1')
    .update(Buffer.from(password, 'utf16le').swap16())
    .update('Mighty Aphrodite', 'utf8')
    .update(body)
    .digest();
  return Buffer.concat([body, digest]);
}

/** Image paths of symlinks that point at the Java trust store (a JRE's lib/security/cacerts). */
function javaLinks(tree: FileTree): string[] {
  return tree
    .entries()
    .filter((e) => e.type === 'symlink' && (e.target === `/${JAVA_CACERTS}` || e.target?.endsWith(`/${JAVA_CACERTS}`)))
    .map((e) => e.path);
}

/**
 * Write the trust store when a JRE in the tree links to it and the CA
 * certificates are there. Returns the number of certificates (0: not needed).
 */
export function addJavaCacerts(tree: FileTree): number {
  if (javaLinks(tree).length === 0 || tree.has(JAVA_CACERTS)) return 0;
  const certs: TrustedCert[] = [];
  for (const p of bundleCertificates(tree)) {
    const e = tree.resolve(p);
    const data = e?.type === 'file' ? fileBytes(e) : undefined;
    if (!data || data.length === 0) continue;
    certs.push({ alias: `debian:${pemName(p)}`, der: new X509Certificate(Buffer.from(data)).raw });
  }
  if (certs.length === 0) return 0;
  for (const dir of ['etc', 'etc/ssl', 'etc/ssl/certs', 'etc/ssl/certs/java']) {
    if (!tree.has(dir)) tree.add({ path: dir, type: 'dir', mode: 0o755, uid: 0, gid: 0, owner: 'pare' });
  }
  tree.add({
    path: JAVA_CACERTS,
    type: 'file',
    mode: 0o644,
    uid: 0,
    gid: 0,
    data: jksTrustStore(certs),
    owner: 'pare',
  });
  return certs.length;
}
