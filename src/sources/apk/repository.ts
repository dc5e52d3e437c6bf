/**
 * An APK repository over HTTP: load the keyring (key files or URLs, named by
 * their file name), fetch URL/ARCH/APKINDEX.tar.gz, verify its signature
 * and parse it; fetch a package through the content-addressed cache and
 * verify it against the index's C: and its own datahash before it is used.
 */
import { readFile } from 'node:fs/promises';
import { BlobCache, nodeHttp, sha256Hex, type Http } from '../../fetch/index.js';
import { FetchError, VerifyError } from '../../errors.js';
import { readApk, type ApkContents } from './apk-file.js';
import { apkFileName, parseApkIndex, type ApkPackage } from './apkindex.js';
import { verifiedApkIndex } from './index-archive.js';
import { parseApkKey, type ApkKeyring } from './signature.js';

export interface ApkLoadOptions {
  cache: BlobCache;
  http?: Http;
  offline?: boolean;
  /** Most bytes one package's data may inflate to (the package-size limit). */
  maxDataBytes?: number;
}

export interface OpenedApkRepo {
  /** Repository base URL (without the architecture). */
  url: string;
  /** apk architecture (x86_64, aarch64, ...). */
  arch: string;
  /** sha256 of the APKINDEX.tar.gz the packages were verified against. */
  indexSha256: string;
  /** The key whose signature verified. */
  signer: string;
  description: string;
  packages: ApkPackage[];
}

/** Debian-style architecture names (the config's archs) → apk's. */
export const APK_ARCH: Readonly<Record<string, string>> = {
  amd64: 'x86_64',
  arm64: 'aarch64',
  armhf: 'armv7',
  i386: 'x86',
  ppc64el: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
};

const keyName = (ref: string) => ref.replace(/[?#].*$/, '').replace(/^.*\//, '');

export interface LoadedApkKeyring {
  keyring: ApkKeyring;
  /** Key name → the key file's bytes (for /etc/apk/keys). */
  pems: Map<string, Uint8Array>;
}

/** Read the keyring: each entry a file path or an http(s) URL; the key's name is its file name. */
export async function loadApkKeyring(
  refs: readonly string[],
  opts: Pick<ApkLoadOptions, 'http'>,
): Promise<LoadedApkKeyring> {
  const keyring = new Map<string, ReturnType<typeof parseApkKey>>();
  const pems = new Map<string, Uint8Array>();
  for (const ref of refs) {
    let pem: Uint8Array;
    try {
      pem = /^https?:\/\//.test(ref) ? (await (opts.http ?? nodeHttp).get(ref)).body : await readFile(ref);
    } catch (e) {
      throw new VerifyError('KEYRING_READ', `cannot read the apk key ${ref}: ${(e as Error).message}`, {
        hint: 'keyring: entries are .rsa.pub files (paths relative to the config, or URLs)',
        cause: e,
      });
    }
    keyring.set(keyName(ref), parseApkKey(keyName(ref), pem));
    pems.set(keyName(ref), pem);
  }
  return { keyring, pems };
}

async function fetchIndex(url: string, opts: ApkLoadOptions): Promise<Buffer> {
  const key = `apkindex:${url}`;
  if (opts.offline) {
    const cached = await opts.cache.getMeta(key);
    if (!cached)
      throw new FetchError('FETCH_NETWORK', `${url} is not in the cache and --offline is set`, {
        hint: 'run once without --offline to fill the cache',
      });
    return cached;
  }
  const res = await (opts.http ?? nodeHttp).get(url);
  await opts.cache.putMeta(key, res.body);
  return res.body;
}

/** Fetch, verify and parse one repository's index for one architecture. */
export async function openApkRepo(
  url: string,
  arch: string,
  keyring: ApkKeyring,
  opts: ApkLoadOptions,
): Promise<OpenedApkRepo> {
  const indexUrl = `${url}/${arch}/APKINDEX.tar.gz`;
  const bytes = await fetchIndex(indexUrl, opts);
  const v = verifiedApkIndex(bytes, keyring, indexUrl);
  return {
    url,
    arch,
    indexSha256: sha256Hex(bytes),
    signer: v.signer,
    description: v.description,
    packages: parseApkIndex(v.index, `${indexUrl}: APKINDEX`),
  };
}

export interface FetchedApk {
  bytes: Buffer;
  sha256: string;
  contents: ApkContents;
}

/**
 * Fetch one package through the cache and verify it: control SHA-1 = C:,
 * data SHA-256 = datahash. The cache maps the C: checksum to the file's sha256.
 */
export async function fetchApk(
  repoUrl: string,
  arch: string,
  pkg: ApkPackage,
  opts: ApkLoadOptions,
): Promise<FetchedApk> {
  const url = `${repoUrl}/${arch}/${apkFileName(pkg)}`;
  const label = `${pkg.name}-${pkg.version}.apk`;
  const key = `apk:${pkg.checksum}`;
  let bytes = await opts.cache.getByKey(key);
  const cached = bytes !== undefined;
  if (!bytes) {
    if (opts.offline)
      throw new FetchError('FETCH_NETWORK', `${label} is not in the cache and --offline is set`, {
        hint: 'run once without --offline to fill the cache',
      });
    bytes = (await (opts.http ?? nodeHttp).get(url)).body;
    if (pkg.size > 0 && bytes.length !== pkg.size) {
      throw new VerifyError(
        'SIZE_MISMATCH',
        `${label}: size mismatch: got ${bytes.length} bytes, want ${pkg.size} (from ${url})`,
        {
          hint: 'the download or the repository is corrupt or tampered with; retry, or check the repository',
          detail: { got: bytes.length, want: pkg.size, url },
        },
      );
    }
  }
  const contents = readApk(bytes, `${label} (from ${url})`, {
    checksum: pkg.checksum,
    ...(opts.maxDataBytes !== undefined ? { maxDataBytes: opts.maxDataBytes } : {}),
  }); // throws before caching
  const sha256 = cached ? sha256Hex(bytes) : await opts.cache.putByKey(key, bytes, label);
  return { bytes, sha256, contents };
}
