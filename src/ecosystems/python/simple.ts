/**
 * A project page of the simple repository API: PEP 691 JSON
 * (application/vnd.pypi.simple.v1+json) or the PEP 503 HTML it replaced.
 * Either way: each file's name, absolute URL, sha256 (from `hashes` or the
 * URL's #sha256= fragment), requires-python and yanked flag. Pure.
 */
import { AppError } from '../../errors.js';

export const SIMPLE_ACCEPT =
  'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.1';

export interface IndexFile {
  filename: string;
  url: string;
  sha256?: string;
  requiresPython?: string;
  yanked: boolean;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeHtml(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, e: string) =>
    e[0] === '#'
      ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10))
      : (ENTITIES[e.toLowerCase()] ?? all),
  );
}

function withHash(href: string, base: string): { url: string; sha256?: string } {
  const u = new URL(href, base);
  const m = /(?:^|&)sha256=([0-9a-f]{64})/i.exec(u.hash.slice(1));
  u.hash = '';
  return { url: u.toString(), sha256: m?.[1]?.toLowerCase() };
}

function parseJson(text: string, base: string): IndexFile[] {
  const doc = JSON.parse(text) as { files?: Array<Record<string, unknown>> };
  return (doc.files ?? []).map((f) => {
    const { url, sha256 } = withHash(String(f.url), base);
    const h = (f.hashes ?? {}) as Record<string, string>;
    return {
      filename: String(f.filename),
      url,
      sha256: h.sha256?.toLowerCase() ?? sha256,
      requiresPython: typeof f['requires-python'] === 'string' ? (f['requires-python'] as string) : undefined,
      yanked: f.yanked !== undefined && f.yanked !== false,
    };
  });
}

function parseHtml(text: string, base: string): IndexFile[] {
  const out: IndexFile[] = [];
  for (const m of text.matchAll(/<a\s([^>]*)>([^<]*)<\/a>/gi)) {
    const attrs = new Map<string, string>();
    for (const a of m[1]!.matchAll(/([a-z-]+)\s*(?:=\s*("[^"]*"|'[^']*'|[^\s>]+))?/gi))
      attrs.set(a[1]!.toLowerCase(), unescapeHtml((a[2] ?? '').replace(/^["']|["']$/g, '')));
    const href = attrs.get('href');
    if (!href) continue;
    const { url, sha256 } = withHash(href, base);
    out.push({
      filename: unescapeHtml(m[2]!.trim()) || decodeURIComponent(new URL(url).pathname.replace(/^.*\//, '')),
      url,
      sha256,
      requiresPython: attrs.get('data-requires-python') || undefined,
      yanked: attrs.has('data-yanked'),
    });
  }
  return out;
}

/** Parse a project page fetched from `pageUrl` with the given Content-Type. */
export function parseProjectPage(body: Uint8Array, contentType: string, pageUrl: string): IndexFile[] {
  const text = new TextDecoder().decode(body);
  try {
    return /json/i.test(contentType) ? parseJson(text, pageUrl) : parseHtml(text, pageUrl);
  } catch (e) {
    throw new AppError('APP_INDEX', `${pageUrl}: not a simple repository project page: ${(e as Error).message}`, {
      hint: 'check that the index URL points at a PEP 503/691 simple index (…/simple)',
      cause: e,
    });
  }
}
