/**
 * One registry host: base URL (https, or http only when `insecure`),
 * authentication (retry once after a 401 challenge), retries with backoff on
 * transient failures, and OCI error bodies turned into RegistryErrors that
 * name the registry, the repository and the operation.
 */
import { idleTimeoutMs } from './body.js';
import { Readable } from 'node:stream';
import { isPareError, RegistryError } from '../../errors.js';
import { Authorizer, credentialsHint } from './auth.js';
import type { CredentialOptions } from './credentials.js';
import {
  isNetworkError,
  isTransientStatus,
  networkCode,
  networkReason,
  retryPolicy,
  withRetry,
  type RetryOptions,
} from './retry.js';

export interface TransportOptions {
  /** Speak plain http (never the default, also not for localhost). */
  insecure?: boolean;
  auth?: CredentialOptions;
  retry?: RetryOptions;
  /** The fetch to use (default: Node's global fetch). */
  fetch?: typeof fetch;
  userAgent?: string;
}

export interface Request {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** A path under the registry (`/v2/...`) or an absolute URL (an upload Location). */
  url: string;
  repository: string;
  /** For messages: `upload blob sha256:...`, `push manifest latest`, ... */
  op: string;
  /** Token scopes the request needs. */
  scopes: string[];
  headers?: Record<string, string>;
  /** Bytes, or a fresh stream per attempt. */
  body?: Buffer | (() => Promise<NodeJS.ReadableStream>);
  /** Statuses returned to the caller; anything else becomes an error. */
  ok: number[];
  /** Retry transient failures (default true; a streamed upload into a session sets false). */
  retry?: boolean;
}

/** Buffer bodies up to this size are sent whole; larger ones (upload chunks) stream in slices, so the watchdog sees progress. */
const BUFFER_BODY_MAX = 1 << 20;
const SLICE = 256 << 10;

function* slices(b: Buffer): Generator<Buffer> {
  for (let at = 0; at < b.length; at += SLICE) yield b.subarray(at, at + SLICE);
}

/** `source`'s chunks, restarting the watchdog as each is taken and once more at the end (then the answer is awaited). */
async function* watched(
  source: AsyncIterable<unknown> | Iterable<Buffer>,
  touch: () => void,
): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    touch();
    yield chunk as Uint8Array;
  }
  touch();
}

class Transient extends Error {
  constructor(
    readonly response: Response | undefined,
    readonly retryAfter: string | null,
    readonly reason: unknown,
  ) {
    super('transient');
  }
}

export class Transport {
  readonly base: string;
  readonly auth: Authorizer;
  private readonly fetch: typeof fetch;
  private readonly policy;
  readonly userAgent: string;

  constructor(
    readonly registry: string,
    readonly opts: TransportOptions = {},
  ) {
    this.base = `${opts.insecure ? 'http' : 'https'}://${registry}`;
    this.fetch = opts.fetch ?? globalThis.fetch;
    this.policy = retryPolicy(opts.retry);
    this.userAgent = opts.userAgent ?? 'pare';
    this.auth = new Authorizer({
      registry,
      credentials: opts.auth ?? {},
      fetch: this.fetch,
      userAgent: this.userAgent,
      insecure: opts.insecure === true,
    });
  }

  resolve(url: string): URL {
    return new URL(url, this.base);
  }

  async request(req: Request): Promise<Response> {
    const retry = req.retry === false ? { ...this.policy, attempts: 1 } : this.policy;
    try {
      return await withRetry(
        retry,
        (e) => e instanceof Transient,
        () => this.once(req),
      );
    } catch (e) {
      if (e instanceof Transient) {
        if (e.response) throw await this.httpError(req, e.response);
        throw this.networkError(req, e.reason);
      }
      throw e;
    }
  }

  private async once(req: Request): Promise<Response> {
    let scopes = req.scopes;
    for (let round = 0; ; round++) {
      const { res, authz } = await this.send(req, scopes);
      if (res.status === 401 && round === 0) {
        await res.body?.cancel();
        scopes = [...scopes, ...this.auth.unauthorized(res.headers.get('www-authenticate'), authz)];
        continue;
      }
      if (req.ok.includes(res.status)) return res;
      if (isTransientStatus(res.status)) {
        await res.body?.cancel();
        throw new Transient(res, res.headers.get('retry-after'), undefined);
      }
      throw await this.httpError(req, res);
    }
  }

  private async send(req: Request, scopes: string[]): Promise<{ res: Response; authz?: string }> {
    const url = this.resolve(req.url);
    const headers: Record<string, string> = { 'user-agent': this.userAgent, ...req.headers };
    const authz = url.origin === new URL(this.base).origin ? await this.auth.header(scopes) : undefined;
    if (authz) headers.authorization = authz;
    const init: RequestInit & { duplex?: 'half' } = { method: req.method, headers, redirect: 'follow' };
    // An idle watchdog: the registry must keep taking the body (every chunk it pulls restarts the
    // clock) and then answer, each within the idle time; a stalled registry never holds a build forever.
    const idleMs = idleTimeoutMs();
    const ctl = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const touch = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => ctl.abort(), idleMs);
    };
    init.signal = ctl.signal;
    if (Buffer.isBuffer(req.body) && req.body.length <= BUFFER_BODY_MAX) init.body = req.body;
    else if (req.body) {
      const body = req.body;
      if (Buffer.isBuffer(body)) headers['content-length'] ??= String(body.length);
      const source = Buffer.isBuffer(body) ? slices(body) : await body();
      init.body = Readable.toWeb(Readable.from(watched(source, touch))) as ReadableStream;
      init.duplex = 'half';
    }
    touch();
    try {
      return { res: await this.fetch(url, init), authz };
    } catch (e) {
      if (ctl.signal.aborted)
        throw new Transient(
          undefined,
          null,
          new Error(
            req.body
              ? `the registry stopped taking the upload or answering for ${idleMs / 1000} s`
              : `no response within ${idleMs / 1000} s`,
          ),
        );
      const cause = (e as { cause?: unknown }).cause;
      if (isPareError(cause)) throw cause; // e.g. a blob that failed verification while uploading
      if (isNetworkError(e)) throw new Transient(undefined, null, e);
      if (e instanceof TypeError && (e as { cause?: unknown }).cause !== undefined) throw this.networkError(req, e); // TLS, bad port, ...
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  networkError(req: Request, e: unknown): RegistryError {
    const code = networkCode(e);
    const tls = code !== undefined && /SSL|TLS|EPROTO|CERT/i.test(code);
    const hint = tls
      ? `if ${this.registry} speaks plain http, pass --insecure (insecure: true); otherwise check its TLS certificate (NODE_EXTRA_CA_CERTS)`
      : code === 'ECONNREFUSED'
        ? `is the registry running and listening at ${this.base}?`
        : isNetworkError(e)
          ? 'check the network and that the registry is running; pare retried with backoff'
          : `check the registry address ${this.registry}`;
    return new RegistryError(
      'REGISTRY_HTTP',
      `${req.op} in ${this.registry}/${req.repository} failed: cannot connect to ${this.base} (${networkReason(e)})`,
      {
        cause: e,
        hint,
        detail: { registry: this.registry, repository: req.repository, op: req.op, code },
      },
    );
  }

  async httpError(req: Request, res: Response): Promise<RegistryError> {
    const text = res.bodyUsed ? '' : await res.text().catch(() => '');
    let detail = text.slice(0, 300).trim();
    let codes: string[] = [];
    try {
      const json = JSON.parse(text) as { errors?: { code?: string; message?: string }[] };
      if (Array.isArray(json.errors) && json.errors.length) {
        codes = json.errors.map((x) => x.code ?? '');
        detail = json.errors.map((x) => `${x.code ?? ''}${x.message ? `: ${x.message}` : ''}`).join('; ');
      }
    } catch {
      // not JSON: keep the text
    }
    const where = `${req.op} in ${this.registry}/${req.repository}`;
    const info = { registry: this.registry, repository: req.repository, op: req.op, status: res.status, codes };
    if (res.status === 401 || res.status === 403) {
      return new RegistryError(
        'REGISTRY_AUTH',
        `${where} was refused (HTTP ${res.status}${detail ? `: ${detail}` : ''}) with ${await this.auth.describe()}`,
        {
          hint:
            res.status === 403
              ? `the credentials lack push or pull permission on ${req.repository}`
              : credentialsHint(this.registry),
          detail: info,
        },
      );
    }
    const unsupported = res.status === 405 || res.status === 501 || codes.includes('UNSUPPORTED');
    return new RegistryError(
      unsupported ? 'REGISTRY_UNSUPPORTED' : 'REGISTRY_HTTP',
      `${where} failed: HTTP ${res.status}${detail ? ` (${detail})` : ''}`,
      {
        hint: unsupported
          ? `the registry does not support this operation (${req.method} ${new URL(req.url, this.base).pathname})`
          : hintFor(res.status, codes),
        detail: info,
      },
    );
  }
}

function hintFor(status: number, codes: string[]): string {
  if (codes.includes('MANIFEST_BLOB_UNKNOWN') || codes.includes('BLOB_UNKNOWN'))
    return 'a blob the manifest names is missing in the registry; push again';
  if (codes.includes('MANIFEST_INVALID') || codes.includes('DIGEST_INVALID'))
    return 'the registry rejected the content; check that the image layout is intact';
  if (codes.includes('NAME_UNKNOWN')) return 'the repository does not exist in this registry';
  if (status >= 500) return 'the registry failed repeatedly; pare retried with backoff; try again later';
  return "see the registry's message above";
}
