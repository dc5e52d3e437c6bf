/**
 * A package's Debian changelog, read from inside its `.deb`: the package is
 * fetched and verified against the sha256 of its signed index like any
 * package a build installs, unpacked through the same cache, and
 * `usr/share/doc/NAME/changelog.Debian.gz` (else `changelog.gz`) is parsed.
 * When the doc directory is a symlink to a sibling's (libgcc-s1 →
 * gcc-12-base), the sibling built from the same source is read instead.
 */
import { gunzipSync } from 'node:zlib';
import { ArchiveError } from '../errors.js';
import { fetchBlob, type BlobCache, type Http } from '../fetch/index.js';
import { parseChangelog, type ChangelogEntry } from '../sources/debian/changelog.js';
import type { PackageRecord } from '../sources/debian/packages-index.js';
import { iterTarSource } from '../tree/tar-read.js';
import { fileSource } from './file-source.js';
import { unpackPackage } from './unpack.js';

export interface ChangelogOptions {
  cache: BlobCache;
  http?: Http;
  offline?: boolean;
}

/** A changelog's entries, and the package whose file they came from. */
export interface Changelog {
  entries: ChangelogEntry[];
  /** The image path of the file read, e.g. /usr/share/doc/libssl3/changelog.Debian.gz. */
  file: string;
  from: string;
}

/** Changelogs are small; a larger one is read up to this many uncompressed bytes. */
const MAX_CHANGELOG = 64 << 20;
const MAX_COMPRESSED = 16 << 20;

type Found = { file: string; data: Uint8Array } | { link: string } | undefined;

async function findIn(record: PackageRecord, opts: ChangelogOptions): Promise<Found> {
  const label = `${record.name}_${record.version}_${record.architecture}.deb`;
  const u = await unpackPackage(record.sha256, label, {
    cache: opts.cache,
    deb: () =>
      fetchBlob(
        { url: `${record.origin!.url}/${record.filename}`, sha256: record.sha256, size: record.size, label },
        opts,
      ),
  });
  const doc = `usr/share/doc/${record.name}`;
  const wanted = [`${doc}/changelog.Debian.gz`, `${doc}/changelog.gz`];
  const hits = new Map<string, Uint8Array>();
  let link: string | undefined;
  const src = fileSource(u.dataTar.path, u.dataTar.size);
  try {
    for (const e of iterTarSource(src, `${label}: data.tar`, { inlineMax: MAX_COMPRESSED })) {
      const name = e.name
        .replace(/^(\.\/)+/, '')
        .replace(/^\/+/, '')
        .replace(/\/+$/, '');
      if (e.type === 'file' && wanted.includes(name) && !e.ref) hits.set(name, e.data);
      if (e.type === 'symlink' && name === doc) link = e.linkname;
    }
  } finally {
    src.close();
  }
  for (const w of wanted) {
    const data = hits.get(w);
    if (data) return { file: `/${w}`, data };
  }
  return link !== undefined ? { link } : undefined;
}

/**
 * The changelog of `record`, or undefined when the package ships none.
 * `sibling(name)` finds another binary of the same source upload (for a doc
 * directory that links to it).
 */
export async function readChangelog(
  record: PackageRecord,
  sibling: (name: string) => PackageRecord | undefined,
  opts: ChangelogOptions,
): Promise<Changelog | undefined> {
  let found = await findIn(record, opts);
  let from = record.name;
  if (found && 'link' in found) {
    const target = found.link.replace(/\/+$/, '');
    const other = /^[a-z0-9][a-z0-9+.-]*$/.test(target) ? sibling(target) : undefined;
    if (!other) return undefined;
    from = other.name;
    found = await findIn(other, opts);
    if (found && 'link' in found) return undefined;
  }
  if (!found) return undefined;
  let text: string;
  try {
    text = gunzipSync(found.data, { maxOutputLength: MAX_CHANGELOG }).toString('utf8');
  } catch (e) {
    throw new ArchiveError('ARCHIVE_COMPRESSION', `${from}: ${found.file} is not valid gzip: ${(e as Error).message}`, {
      hint: 'the package is broken; report it to its maintainer',
      cause: e,
    });
  }
  return { entries: parseChangelog(text), file: found.file, from };
}
