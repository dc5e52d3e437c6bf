/**
 * Limits on what a build may expand to: bytes per package (its unpacked
 * data.tar), bytes per image (all packages together) and the number of files.
 * Sizes are written as bytes or with a binary suffix ("512M", "3GiB", "8G").
 * Defaults admit real images, a package holding a 3 GiB file included. Pure.
 */
export interface Limits {
  /** Expanded bytes one package may unpack to. */
  packageBytes: number;
  /** Expanded bytes of all packages of one image together. */
  imageBytes: number;
  /** Archive entries (files, directories, links) in one image. */
  files: number;
}

const GiB = 1024 ** 3;

export const DEFAULT_LIMITS: Limits = { packageBytes: 16 * GiB, imageBytes: 64 * GiB, files: 2_000_000 };

export const SIZE_PATTERN = '^[0-9]+(\\.[0-9]+)?\\s*([KMGT]i?B?|B)?$';

const UNITS: Record<string, number> = { '': 1, B: 1, K: 1024, M: 1024 ** 2, G: GiB, T: 1024 ** 4 };

/** Bytes for "123", "512M", "3GiB", "1.5G"; undefined when it is not a size. */
export function parseSize(s: string | number): number | undefined {
  if (typeof s === 'number') return Number.isSafeInteger(s) && s >= 0 ? s : undefined;
  const m = new RegExp(SIZE_PATTERN, 'i').exec(s.trim());
  if (!m) return undefined;
  const unit = UNITS[(m[2] ?? '').charAt(0).toUpperCase()] ?? 1;
  const n = Math.floor(Number(s.trim().replace(/[^0-9.].*$/, '')) * unit);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** A size for messages: "3.0 GiB (3221225472 bytes)". */
export function describeSize(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} bytes` : `${v.toFixed(1)} ${units[i]} (${n} bytes)`;
}
