/** The --max-* flags of commands that build: limits on expanded sizes and file count. */
import { parseSize, type Limits } from '../config/limits.js';
import { UsageError } from '../errors.js';
import type { Values } from './command.js';

export const limitOptions = {
  'max-package-size': {
    type: 'string',
    description: 'Most bytes one package may unpack to, e.g. 8G (default 16G; config: limits.package-size)',
  },
  'max-image-size': {
    type: 'string',
    description: 'Most bytes all packages may unpack to, e.g. 32G (default 64G; config: limits.image-size)',
  },
  'max-files': { type: 'string', description: 'Most entries in the image (default 2000000; config: limits.files)' },
} as const;

export function limitsFrom(values: Values<typeof limitOptions>): Partial<Limits> {
  const out: Partial<Limits> = {};
  const size = (flag: 'max-package-size' | 'max-image-size'): number | undefined => {
    const v = values[flag];
    if (v === undefined) return undefined;
    const n = parseSize(v);
    if (n === undefined)
      throw new UsageError('USAGE', `--${flag}: '${v}' is not a size`, {
        hint: 'give bytes or a size such as 512M or 3G',
      });
    return n;
  };
  const pkg = size('max-package-size');
  const img = size('max-image-size');
  if (pkg !== undefined) out.packageBytes = pkg;
  if (img !== undefined) out.imageBytes = img;
  const files = values['max-files'];
  if (files !== undefined) {
    if (!/^[1-9][0-9]*$/.test(files))
      throw new UsageError('USAGE', `--max-files: '${files}' is not a positive number`, {
        hint: 'e.g. --max-files 500000',
      });
    out.files = Number(files);
  }
  return out;
}
