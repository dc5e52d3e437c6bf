/**
 * The limits of one image build, checked while streaming: every unpacked
 * byte is counted against its package's limit and the image's as it is
 * written, and every archive entry against the file count, so an oversized
 * package fails before it is unpacked, not after.
 */
import { DEFAULT_LIMITS, describeSize, type Limits } from '../config/limits.js';
import { LimitError } from '../errors.js';

export class Budget {
  readonly limits: Limits;
  #bytes = 0;
  #files = 0;

  constructor(limits: Partial<Limits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...definedOnly(limits) };
  }

  /** A byte counter for one package: call it with the package's running total. */
  package(label: string): (total: number) => void {
    let counted = 0;
    return (total) => {
      if (total > this.limits.packageBytes) {
        throw new LimitError(
          'LIMIT_EXCEEDED',
          `${label} unpacks to more than ${describeSize(this.limits.packageBytes)}, the limit for one package`,
          {
            hint: 'raise it with --max-package-size SIZE or limits.package-size in the config (e.g. 32G)',
            detail: { limit: 'package-size', max: this.limits.packageBytes, package: label },
          },
        );
      }
      this.#bytes += total - counted;
      counted = total;
      if (this.#bytes > this.limits.imageBytes) {
        throw new LimitError(
          'LIMIT_EXCEEDED',
          `the image's packages unpack to more than ${describeSize(this.limits.imageBytes)}, the limit for one image (at ${label})`,
          {
            hint: 'raise it with --max-image-size SIZE or limits.image-size in the config',
            detail: { limit: 'image-size', max: this.limits.imageBytes, package: label },
          },
        );
      }
    };
  }

  /** Count `n` more archive entries. */
  files(n: number, label: string): void {
    this.#files += n;
    if (this.#files > this.limits.files) {
      throw new LimitError(
        'LIMIT_EXCEEDED',
        `the image has more than ${this.limits.files} files (at ${label}), the limit for one image`,
        {
          hint: 'raise it with --max-files N or limits.files in the config',
          detail: { limit: 'files', max: this.limits.files, package: label },
        },
      );
    }
  }
}

function definedOnly(l: Partial<Limits>): Partial<Limits> {
  return Object.fromEntries(Object.entries(l).filter(([, v]) => v !== undefined)) as Partial<Limits>;
}
