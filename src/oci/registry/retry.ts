/**
 * Retries with exponential backoff (and jitter) for transient failures:
 * connection errors, 5xx (except 501/505), 408 and 429. `Retry-After` is
 * honoured up to the backoff cap.
 */
import { isPareError } from '../../errors.js';

export interface RetryOptions {
  /** Total tries, including the first (default 5). */
  attempts?: number;
  /** First backoff in ms (default 250); doubles each time. */
  baseMs?: number;
  /** Cap on one wait in ms (default 4000). */
  maxMs?: number;
}

export const DEFAULT_RETRY: Required<RetryOptions> = { attempts: 5, baseMs: 250, maxMs: 4000 };

export function retryPolicy(r: RetryOptions | undefined): Required<RetryOptions> {
  return { ...DEFAULT_RETRY, ...r };
}

export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/** A connection-level failure from fetch (refused, reset, closed mid-body), not a bug or a PareError. */
export function isNetworkError(e: unknown): boolean {
  if (isPareError(e) || isPareError((e as { cause?: unknown })?.cause)) return false;
  const code = networkCode(e) ?? '';
  if (/^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|UND_ERR_\w+)$/.test(code))
    return true;
  return /terminated|other side closed|socket hang up/i.test(
    `${(e as Error)?.message} ${(e as { cause?: Error })?.cause?.message ?? ''}`,
  );
}

/** The message of the innermost cause, for error text. */
export function networkReason(e: unknown): string {
  let cur: unknown = e;
  let msg = (e as Error)?.message ?? String(e);
  for (let i = 0; i < 4 && cur; i++) {
    const c = cur as NodeJS.ErrnoException;
    if (typeof c.code === 'string') return c.code;
    if (c.message) msg = c.message;
    cur = (cur as { cause?: unknown }).cause;
  }
  return msg;
}

/** The low-level code behind a fetch failure, e.g. ECONNREFUSED. */
export function networkCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur; i++) {
    const code = (cur as NodeJS.ErrnoException).code;
    if (typeof code === 'string') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

export function backoffMs(policy: Required<RetryOptions>, attempt: number, retryAfter?: string | null): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
  const after = retryAfter && /^\d+$/.test(retryAfter) ? Number(retryAfter) * 1000 : undefined;
  if (after !== undefined) return Math.min(policy.maxMs, after);
  return Math.round(exp / 2 + (Math.random() * exp) / 2);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Run `fn` until it succeeds or fails with something not transient. `fn`
 * signals a transient failure by throwing; `transient(e)` decides.
 */
export async function withRetry<T>(
  policy: Required<RetryOptions>,
  transient: (e: unknown) => boolean,
  fn: (attempt: number) => Promise<T>,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (attempt + 1 >= policy.attempts || !transient(e)) throw e;
      await sleep(backoffMs(policy, attempt, (e as { retryAfter?: string }).retryAfter));
    }
  }
}
