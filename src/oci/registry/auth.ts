/**
 * Registry authentication, learned from the registry's 401 challenge:
 * - Bearer: a token from the challenge's `realm`, for `service` and the
 *   scopes the request needs (`repository:NAME:pull,push`, plus
 *   `repository:FROM:pull` for a mount). GET with Basic credentials, or POST
 *   an OAuth2 refresh token when the credentials are an identity token.
 *   Tokens are cached per scope set until shortly before they expire.
 * - Basic: the credentials on every request.
 * One Authorizer per registry host; it holds no global state.
 */
import { RegistryError } from '../../errors.js';
import { challengeScopes, mergeScopes, parseChallenges, type Challenge } from './challenge.js';
import { findCredentials, type CredentialOptions, type Credentials } from './credentials.js';

export interface AuthorizerOptions {
  registry: string;
  credentials: CredentialOptions;
  fetch: typeof fetch;
  userAgent: string;
  /** Allow a token realm over plain http. */
  insecure: boolean;
}

interface Token {
  value: string;
  until: number;
}

/** Is scope `w` (`type:name:actions`) granted by one of `have`? */
function covered(w: string, have: string[]): boolean {
  const i = w.lastIndexOf(':');
  const res = w.slice(0, i);
  const actions = w.slice(i + 1).split(',');
  return have.some((h) => {
    const j = h.lastIndexOf(':');
    const got = h.slice(j + 1).split(',');
    return h.slice(0, j) === res && actions.every((a) => got.includes(a));
  });
}

export class Authorizer {
  private challenge: Challenge | undefined;
  /** Tokens (or token requests in flight, shared by concurrent requests) by scope set. */
  private readonly tokens = new Map<string, Promise<Token>>();
  /** Token value → its key in `tokens`. */
  private readonly keyOf = new Map<string, string>();
  private creds: Promise<Credentials | undefined> | undefined;

  constructor(private readonly opts: AuthorizerOptions) {}

  credentials(): Promise<Credentials | undefined> {
    this.creds ??= findCredentials(this.opts.registry, this.opts.credentials);
    return this.creds;
  }

  /** The Authorization header for a request needing `scopes`, once the scheme is known. */
  async header(scopes: readonly string[]): Promise<string | undefined> {
    const c = this.challenge;
    if (!c) return undefined;
    if (c.scheme === 'basic') {
      const creds = await this.credentials();
      if (creds?.username === undefined) return undefined;
      return `Basic ${Buffer.from(`${creds.username}:${creds.password ?? ''}`).toString('base64')}`;
    }
    if (c.scheme !== 'bearer') return undefined;
    const wanted = mergeScopes(scopes);
    const key = wanted.join(' ');
    let token = this.tokens.get(key) ?? this.covering(wanted);
    if (!token) {
      token = this.fetchToken(c, wanted).then((t) => (this.keyOf.set(t.value, key), t));
      this.tokens.set(key, token);
      token.catch(() => this.tokens.delete(key));
    }
    const t = await token;
    if (t.until <= Date.now()) {
      this.tokens.delete(key);
      return this.header(scopes);
    }
    return `Bearer ${t.value}`;
  }

  /** A cached (or pending) token whose scopes include all of `wanted`. */
  private covering(wanted: string[]): Promise<Token> | undefined {
    for (const [key, token] of this.tokens) {
      const have = key.split(' ');
      if (wanted.every((w) => covered(w, have))) return token;
    }
    return undefined;
  }

  /**
   * A 401 arrived for a request sent with Authorization `sent`: remember the
   * challenge, forget the token that failed, and return the scopes the
   * challenge asks for (to add to the request's own).
   */
  unauthorized(wwwAuthenticate: string | null, sent: string | undefined): string[] {
    const all = parseChallenges(wwwAuthenticate);
    const chosen = all.find((c) => c.scheme === 'bearer') ?? all.find((c) => c.scheme === 'basic');
    if (!chosen) {
      throw new RegistryError(
        'REGISTRY_UNSUPPORTED',
        `registry ${this.opts.registry} asks for authentication pare does not speak: ${wwwAuthenticate ?? '(no WWW-Authenticate header)'}`,
        {
          hint: 'pare speaks Bearer (token) and Basic authentication',
        },
      );
    }
    this.challenge = chosen;
    // Forget only the token that was refused (a concurrent request's pending token stays).
    const refused = sent?.startsWith('Bearer ') ? this.keyOf.get(sent.slice(7)) : undefined;
    if (refused !== undefined) this.tokens.delete(refused);
    return chosen.scheme === 'bearer' ? challengeScopes(chosen) : [];
  }

  /** Describes the credentials in use, for error hints. */
  async describe(): Promise<string> {
    const c = await this.credentials();
    return c ? `credentials from ${c.source ?? 'the caller'}` : 'no credentials (anonymous)';
  }

  private async fetchToken(c: Challenge, scopes: string[]): Promise<Token> {
    const realm = c.params.realm;
    const reg = this.opts.registry;
    if (!realm)
      throw new RegistryError('REGISTRY_UNSUPPORTED', `registry ${reg} sent a Bearer challenge without a realm`, {
        hint: 'the registry is misconfigured',
      });
    let url: URL;
    try {
      url = new URL(realm);
    } catch (e) {
      throw new RegistryError(
        'REGISTRY_UNSUPPORTED',
        `registry ${reg} sent an invalid token realm ${JSON.stringify(realm)}`,
        { cause: e },
      );
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && this.opts.insecure)) {
      throw new RegistryError(
        'REGISTRY_AUTH',
        `registry ${reg} points to a token server over ${url.protocol} (${realm})`,
        {
          hint: 'pass --insecure (insecure: true) to allow plain http, only for a registry you trust on your network',
        },
      );
    }
    const creds = await this.credentials();
    const headers: Record<string, string> = { 'user-agent': this.opts.userAgent, accept: 'application/json' };
    let res: Response;
    const what = `token for ${scopes.join(' ') || '(no scope)'} from ${url.origin}${url.pathname}`;
    try {
      if (creds?.identityToken) {
        const form = new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: creds.identityToken,
          client_id: 'pare',
        });
        if (c.params.service) form.set('service', c.params.service);
        if (scopes.length) form.set('scope', scopes.join(' '));
        headers['content-type'] = 'application/x-www-form-urlencoded';
        res = await this.opts.fetch(url, { method: 'POST', headers, body: form.toString() });
      } else {
        if (c.params.service) url.searchParams.set('service', c.params.service);
        for (const s of scopes) url.searchParams.append('scope', s);
        if (creds?.username !== undefined)
          headers.authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password ?? ''}`).toString('base64')}`;
        res = await this.opts.fetch(url, { headers });
      }
    } catch (e) {
      throw new RegistryError('REGISTRY_AUTH', `cannot get a ${what} for registry ${reg}: ${(e as Error).message}`, {
        cause: e,
        hint: 'check that the token server is reachable',
      });
    }
    const body = await res.text();
    if (res.status === 401 || res.status === 403) {
      throw new RegistryError(
        'REGISTRY_AUTH',
        `the token server refused a ${what} for registry ${reg} (HTTP ${res.status}) with ${await this.describe()}`,
        {
          hint: credentialsHint(reg),
        },
      );
    }
    if (!res.ok)
      throw new RegistryError(
        'REGISTRY_HTTP',
        `cannot get a ${what} for registry ${reg}: HTTP ${res.status} ${body.slice(0, 200)}`,
      );
    let json: { token?: string; access_token?: string; expires_in?: number };
    try {
      json = JSON.parse(body) as typeof json;
    } catch (e) {
      throw new RegistryError(
        'REGISTRY_HTTP',
        `the token server for registry ${reg} answered with something that is not JSON`,
        { cause: e },
      );
    }
    const value = json.token ?? json.access_token;
    if (!value)
      throw new RegistryError('REGISTRY_HTTP', `the token server for registry ${reg} answered without a token`);
    const ttl = Math.max(30, json.expires_in ?? 60);
    return { value, until: Date.now() + (ttl - 10) * 1000 };
  }
}

export function credentialsHint(registry: string): string {
  return `log in to ${registry} (docker login writes ~/.docker/config.json) or set PARE_REGISTRY_USER and PARE_REGISTRY_PASSWORD`;
}
