/**
 * HTTP GET on Node's fetch with timeouts and retries with backoff on
 * transient failures (connection errors, 5xx, 429). Errors name the URL.
 * With `maxBytes`, a body that grows past the limit is aborted at once
 * (FETCH_TOO_LARGE, not retried): a mirror cannot make pare buffer without end.
 */
import { FetchError, isPareError } from '../errors.js';

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: Buffer;
}

export interface HttpOptions {
  headers?: Record<string, string>;
  retries?: number;
  timeoutMs?: number;
  /** Statuses returned to the caller instead of thrown (e.g. 304, 404). */
  accept?: number[];
  /** Called with bytes as they arrive, for progress. */
  onData?: (bytes: number) => void;
  /** Abort with FETCH_TOO_LARGE as soon as the body exceeds this many bytes. */
  maxBytes?: number;
}

/** One-method interface so tests and callers can substitute transports. */
export interface Http {
  get(url: string, opts?: HttpOptions): Promise<HttpResponse>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function transient(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

async function once(url: string, opts: HttpOptions): Promise<HttpResponse> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), opts.timeoutMs ?? 60_000);
  try {
    const res = await fetch(url, {
      headers: { 'user-agent': 'pare', ...opts.headers },
      signal: ctl.signal,
      redirect: 'follow',
    });
    const chunks: Buffer[] = [];
    const max = opts.maxBytes ?? Infinity;
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (declared > max) throw tooLarge(url, max, declared);
    let got = 0;
    if (res.body) {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        got += chunk.byteLength;
        opts.onData?.(chunk.byteLength);
        if (got > max) throw tooLarge(url, max, got);
        chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      }
    }
    return { status: res.status, headers: res.headers, body: Buffer.concat(chunks) };
  } finally {
    clearTimeout(timer);
    ctl.abort(); // a body left unread (too large, or an error) must not keep the connection busy
  }
}

function tooLarge(url: string, max: number, got: number): FetchError {
  return new FetchError(
    'FETCH_TOO_LARGE',
    `${url}: the response is larger than ${max} bytes (${got} seen); download aborted`,
    {
      hint: 'the mirror serves more than the signed metadata allows: it is broken or hostile; use another mirror',
      detail: { url, limit: max, bytes: got },
    },
  );
}

function networkMessage(e: unknown): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === 'AbortError') return 'timed out';
  return err.cause?.code ?? err.cause?.message ?? err.message ?? String(e);
}

export const nodeHttp: Http = {
  async get(url: string, opts: HttpOptions = {}): Promise<HttpResponse> {
    const retries = opts.retries ?? 3;
    let lastError: unknown;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleep(Math.min(4000, 150 * 2 ** attempt));
      let res: HttpResponse;
      try {
        res = await once(url, opts);
      } catch (e) {
        if (isPareError(e)) throw e; // e.g. FETCH_TOO_LARGE: retrying cannot help
        lastError = new FetchError('FETCH_NETWORK', `cannot fetch ${url}: ${networkMessage(e)}`, {
          hint: 'check that the repository URL is right and reachable (or set $PARE_MIRROR), then retry',
          cause: e,
        });
        continue;
      }
      if (res.status >= 200 && res.status < 300) return res;
      if (opts.accept?.includes(res.status)) return res;
      lastError = new FetchError('FETCH_HTTP', `cannot fetch ${url}: HTTP ${res.status}`, {
        hint:
          res.status === 404
            ? 'the file is not on the server: check the URL, suite, component and architecture'
            : 'the server failed; retry later',
        detail: { status: res.status, url },
      });
      if (!transient(res.status)) break;
    }
    throw lastError;
  },
};
