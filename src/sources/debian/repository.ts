/**
 * Load one suite of a Debian repository: fetch InRelease (at most 32 MiB),
 * verify its OpenPGP signature against the keyring, check that it is the
 * suite asked for, fresh and not older than one seen before, then fetch each Packages
 * index (by-hash when the Release offers it) through the content-addressed
 * cache, checked against the SHA256 in the signed Release.
 */
import { FetchError, SourceError } from '../../errors.js';
import { BlobCache, fetchBlob, nodeHttp, sha256Hex, type Http } from '../../fetch/index.js';
import { compressionFromName, decompress } from '../../util/decompress.js';
import { verifyCleartext, type Keyring } from './openpgp/index.js';
import { indexFromRows, parsePackagesIndex, stubRows, type PackagesIndex, type StubRow } from './packages-index.js';
import { checkFresh, checkSuite, packagesCandidates, parseRelease, type ReleaseFile } from './release.js';
import { checkNotRolledBack, rememberRelease } from './release-history.js';

export interface SuiteRequest {
  url: string;
  suite: string;
  components: string[];
  arch: string;
  keyring: Keyring;
  /** Refuse a Release dated before this (e.g. the date a lock file recorded). */
  notBefore?: { date: Date; from: string };
  /** false for a snapshot of the archive, which is old on purpose (apt's Check-Valid-Until: no); default true. */
  checkValidUntil?: boolean;
}

export interface LoadOptions {
  cache: BlobCache;
  http?: Http;
  offline?: boolean;
  now?: Date;
  /** Accept a Release older than the newest one seen (snapshot mirrors); default false. */
  allowRollback?: boolean;
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

interface CachedRelease {
  lastModified?: string;
  etag?: string;
}

/** An InRelease larger than this is refused while it downloads (Debian's largest are a few hundred KiB). */
export const MAX_INRELEASE_BYTES = 32 << 20;

interface FetchedRelease {
  bytes: Buffer;
  /** Put the bytes (and their validators) in the cache: call only once they verified. */
  store?: () => Promise<void>;
}

async function fetchInRelease(url: string, opts: LoadOptions): Promise<FetchedRelease> {
  const http = opts.http ?? nodeHttp;
  const key = `inrelease:${url}`;
  const cached = await opts.cache.getMeta(key);
  const headersRaw = await opts.cache.getMeta(`${key}:headers`);
  if (opts.offline) {
    if (!cached)
      throw new FetchError('FETCH_NETWORK', `${url} is not in the cache and --offline is set`, {
        hint: 'run once without --offline to fill the cache',
      });
    return { bytes: cached };
  }
  const prev: CachedRelease = cached && headersRaw ? (JSON.parse(headersRaw.toString()) as CachedRelease) : {};
  const headers: Record<string, string> = {};
  if (cached && prev.etag) headers['if-none-match'] = prev.etag;
  if (cached && prev.lastModified) headers['if-modified-since'] = prev.lastModified;
  const res = await http.get(url, { headers, accept: [304], maxBytes: MAX_INRELEASE_BYTES });
  if (res.status === 304 && cached) return { bytes: cached };
  const meta: CachedRelease = {
    lastModified: res.headers.get('last-modified') ?? undefined,
    etag: res.headers.get('etag') ?? undefined,
  };
  const store = async () => {
    await opts.cache.putMeta(key, res.body);
    await opts.cache.putMeta(`${key}:headers`, Buffer.from(JSON.stringify(meta)));
  };
  return { bytes: res.body, store };
}

/**
 * Fetch and verify a suite's InRelease (cheap: no indexes yet): signature,
 * suite name, freshness, no rollback. Only an InRelease that passed every
 * check replaces the cached copy.
 */
export async function openSuite(req: SuiteRequest, opts: LoadOptions): Promise<OpenedSuite> {
  const inReleaseUrl = `${req.url}/dists/${req.suite}/InRelease`;
  const { bytes, store } = await fetchInRelease(inReleaseUrl, opts);
  const verified = verifyCleartext(bytes, req.keyring, { now: opts.now });
  const release = parseRelease(verified.text, inReleaseUrl);
  checkSuite(release, req.suite, inReleaseUrl);
  if (req.checkValidUntil !== false) checkFresh(release, opts.now ?? new Date(), inReleaseUrl);
  await checkNotRolledBack(release, req.url, req.suite, inReleaseUrl, {
    cache: opts.cache,
    allowRollback: opts.allowRollback,
    floor: req.notBefore,
  });
  await store?.();
  await rememberRelease(release, req.url, req.suite, opts.cache);
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
      const origin = { url: suite.url, suite: suite.suite, component };
      // Parsed once per Packages digest: the uncompressed index and the scanner's rows stay in the cache.
      return opts.cache.memo(
        `index:v1:${entry.sha256}`,
        `${label}: parsed index`,
        async (rec) => {
          let r: { bytes?: unknown; rows?: unknown };
          try {
            r = JSON.parse(rec.toString('utf8')) as typeof r;
          } catch {
            return undefined; // not a record this pare wrote: parse the index again
          }
          const bytes = typeof r.bytes === 'string' ? await opts.cache.get(r.bytes) : undefined;
          return bytes && Array.isArray(r.rows) ? indexFromRows(bytes, label, origin, r.rows as StubRow[]) : undefined;
        },
        async () => {
          const data = await fetchBlob({ url, sha256: entry.sha256, size: entry.size, label }, opts);
          // Bytes, not a string: the scanner decodes UTF-8 only for stanzas it parses fully.
          const bytes = await decompress(data, compressionFromName(path), label);
          const value = parsePackagesIndex(bytes, label, origin);
          const sha = sha256Hex(bytes);
          await opts.cache.put(sha, bytes, `${label} (uncompressed)`);
          return { bytes: Buffer.from(JSON.stringify({ bytes: sha, rows: stubRows(value) })), value };
        },
        { remote: false }, // the mirror's compressed index is the cheaper transfer
      );
    }),
  );
}
