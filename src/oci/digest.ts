/**
 * Digests and digest-verifying streams. Pure: hashes bytes or wraps streams,
 * never opens files.
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { VerifyError } from '../errors.js';

export function sha256(data: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** "sha256:abc..." → "abc..."; throws on anything that is not a sha256 digest. */
export function digestHex(digest: string): string {
  const m = /^sha256:([0-9a-f]{64})$/.exec(digest);
  if (!m) throw new VerifyError('HASH_MISMATCH', `not a sha256 digest: ${JSON.stringify(digest)}`);
  return m[1]!;
}

/**
 * A pass-through stream that hashes what flows through it and, at the end,
 * fails with HASH_MISMATCH / SIZE_MISMATCH (naming got, want and bytes read)
 * when the content is not what the descriptor promised.
 */
export class VerifyingStream extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private bytes = 0;

  constructor(
    private readonly want: { digest: string; size?: number },
    private readonly what: string,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    cb(verifyResult(this.what, this.want, this.hash, this.bytes) ?? null);
  }
}

/** Check a finished hash against a descriptor; returns the error to raise, if any. */
export function verifyResult(
  what: string,
  want: { digest: string; size?: number },
  hash: Hash,
  bytes: number,
): VerifyError | undefined {
  const got = `sha256:${hash.digest('hex')}`;
  if (want.size !== undefined && bytes !== want.size) {
    return new VerifyError('SIZE_MISMATCH', `${what}: got ${bytes} bytes, want ${want.size}`, {
      hint: 'the blob is truncated or was changed after it was described; rebuild it',
      detail: { got: bytes, want: want.size, digest: want.digest },
    });
  }
  if (got !== want.digest) {
    return new VerifyError('HASH_MISMATCH', `${what}: got ${got}, want ${want.digest} (${bytes} bytes read)`, {
      hint: 'the blob was changed after it was described; rebuild it',
      detail: { got, want: want.digest, bytes },
    });
  }
  return undefined;
}
