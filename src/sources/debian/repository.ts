/**
 * Load one suite of a Debian repository: fetch InRelease, verify its OpenPGP
 * signature against the keyring, check freshness, then fetch each Packages
 * index (by-hash when the Release offers it) through the content-addressed
 * cache, checked against the SHA256 in the signed Release.
 */
import { FetchError, SourceError } from '../../errors.js';
import { BlobCache, fetchBlob, nodeHttp, sha256Hex, type Http } from '../../fetch/index.js';
import { compressionFromName, decompress } from '../../util/decompress.js';
import { verifyCleartext, type Keyring } from './openpgp/index.js';
import { parsePackagesIndex, type PackagesIndex } from './packages-index.js';
import { checkFresh, packagesCandidates, parseRelease, type ReleaseFile } from './release.js';

export interface SuiteRequest {
  url: string;
  suite: string;
  components: string[];
  arch: string;
  keyring: Keyring;
}

export interface LoadOptions {
  cache: BlobCache;
  http?: Http;
  offline?: boolean;
  now?: Date;
}

export interface OpenedSuite {
  url: string;
  suite: string;
  components: string[];
  arch: string;
  release: ReleaseFile;
  /** sha256 of the InRelease bytes the indexes were verified against. */
  inReleaseSha256: string;
  /** Fingerprints of the keys whose signatures verified. */
  signers: string[];
  /** Primary fingerprints of the keyring the suite was verified against. */
  keyring: string[];
}

export interface LoadedSuite extends OpenedSuite {
  indexes: PackagesIndex[];
}

interface CachedRelease {
  lastModified?: string;
  etag?: string;
}

async function fetchInRelease(url: string, opts: LoadOptions): Promise<Buffer> {
  const http = opts.http ?? nodeHttp;
  const key = `inrelease:${url}`;
  const cached = await opts.cache.getMeta(key);
  const headersRaw = await opts.cache.getMeta(`${key}:headers`);
  if (opts.offline) {
    if (!cached)
      throw new FetchError('FETCH_NETWORK', `${url} is not in the cache and --offline is set`, {
        hint: 'run once without --offline to fill the cache',
      });
    return cached;
  }
  const prev: CachedRelease = cached && headersRaw ? (JSON.parse(headersRaw.toString()) as CachedRelease) : {};
  const headers: Record<string, string> = {};
  if (cached && prev.etag) headers['if-none-match'] = prev.etag;
  if (cached && prev.lastModified) headers['if-modified-since'] = prev.lastModified;
  const res = await http.get(url, { headers, accept: [304] });
  if (res.status === 304 && cached) return cached;
  const meta: CachedRelease = {
    lastModified: res.headers.get('last-modified') ?? undefined,
    etag: res.headers.get('etag') ?? undefined,
  };
  await opts.cache.putMeta(key, res.body);
  await opts.cache.putMeta(`${key}:headers`, Buffer.from(JSON.stringify(meta)));
  return res.body;
}

/** Fetch and verify a suite's InRelease (cheap: no indexes yet). */
export async function openSuite(req: SuiteRequest, opts: LoadOptions): Promise<OpenedSuite> {
  const inReleaseUrl = `${req.url}/dists/${req.suite}/InRelease`;
  const bytes = await fetchInRelease(inReleaseUrl, opts);
  const verified = verifyCleartext(bytes, req.keyring, { now: opts.now });
  const release = parseRelease(verified.text, inReleaseUrl);
  checkFresh(release, opts.now ?? new Date(), inReleaseUrl);
  return {
    url: req.url,
    suite: req.suite,
    components: req.components,
    arch: req.arch,
    release,
    inReleaseSha256: sha256Hex(bytes),
    signers: verified.signers.map((s) => s.fingerprint),
    keyring: req.keyring.fingerprints(),
  };
}

/** Fetch (through the cache), check and parse the suite's Packages indexes. */
export async function loadIndexes(suite: OpenedSuite, opts: LoadOptions): Promise<PackagesIndex[]> {
  const dists = `${suite.url}/dists/${suite.suite}`;
  const { release } = suite;
  return Promise.all(
    suite.components.map(async (component) => {
      const path = packagesCandidates(component, suite.arch).find((p) => release.files.has(p));
      if (!path) {
        throw new SourceError(
          'INDEX_MISSING',
          `${dists}/InRelease lists no Packages index for component "${component}", architecture ${suite.arch}`,
          {
            hint: `the suite has components [${release.components.join(', ')}] and architectures [${release.architectures.join(', ')}]`,
          },
        );
      }
      const entry = release.files.get(path)!;
      const dir = path.slice(0, path.lastIndexOf('/'));
      const url = release.acquireByHash ? `${dists}/${dir}/by-hash/SHA256/${entry.sha256}` : `${dists}/${path}`;
      const label = `${dists}/${path}`;
      const data = await fetchBlob({ url, sha256: entry.sha256, size: entry.size, label }, opts);
      // Bytes, not a string: the scanner decodes UTF-8 only for stanzas it parses fully.
      const bytes = await decompress(data, compressionFromName(path), label);
      return parsePackagesIndex(bytes, label, { url: suite.url, suite: suite.suite, component });
    }),
  );
}

export async function loadSuite(req: SuiteRequest, opts: LoadOptions): Promise<LoadedSuite> {
  const opened = await openSuite(req, opts);
  return { ...opened, indexes: await loadIndexes(opened, opts) };
}
