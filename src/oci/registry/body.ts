/**
 * Reading a registry response body with bounds: at most `max` bytes (a
 * manifest, or a blob of the size its descriptor gives), and no more than
 * `idleMs` without a byte arriving. A registry that sends without end or
 * stalls mid-response ends in a coded error in bounded time and memory,
 * never in an exhausted heap or a build that waits forever.
 */
import { FetchError } from '../../errors.js';

/** How long a response may go without sending a byte ($PARE_REGISTRY_IDLE_SECONDS, default 60). */
export function idleTimeoutMs(): number {
  const s = Number(process.env.PARE_REGISTRY_IDLE_SECONDS);
  return Number.isFinite(s) && s > 0 ? s * 1000 : 60_000;
}

export async function readBody(res: Response, max: number, what: string, idleMs = idleTimeoutMs()): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > max) {
    await res.body?.cancel().catch(() => {});
    throw tooLarge(what, max, declared);
  }
  if (!res.body) return Buffer.alloc(0);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Buffer[] = [];
  let got = 0;
  try {
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const stalled = new Promise<'stalled'>((resolve) => (timer = setTimeout(() => resolve('stalled'), idleMs)));
      const next = await Promise.race([reader.read(), stalled]).finally(() => clearTimeout(timer));
      if (next === 'stalled') {
        throw new FetchError(
          'FETCH_NETWORK',
          `${what}: the registry stopped sending (no data for ${idleMs / 1000} s)`,
          {
            hint: 'the registry or the network stalled; retry, and check the registry if it persists',
            detail: { after: got },
          },
        );
      }
      if (next.done) break;
      got += next.value.byteLength;
      if (got > max) throw tooLarge(what, max, got);
      chunks.push(Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength));
    }
  } catch (e) {
    await reader.cancel().catch(() => {});
    throw e;
  }
  return Buffer.concat(chunks);
}

function tooLarge(what: string, max: number, got: number): FetchError {
  return new FetchError(
    'FETCH_TOO_LARGE',
    `${what}: the registry sends more than ${max} bytes (${got} seen); aborted`,
    {
      hint: 'the registry serves more than the image allows: it is broken or hostile; do not use it',
      detail: { limit: max, bytes: got },
    },
  );
}
