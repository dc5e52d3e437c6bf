/** PEM armor (RFC 7468): one labelled base64 block. Pure. */

export interface PemBlock {
  type: string;
  bytes: Buffer;
}

/** Encode as Go's encoding/pem does: 64-column base64 lines, trailing newline. */
export function pemEncode(type: string, bytes: Uint8Array): string {
  const b64 = Buffer.from(bytes).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${type}-----\n${lines.join('\n')}${lines.length ? '\n' : ''}-----END ${type}-----\n`;
}

/** The first PEM block in `text`, or undefined when there is none. Headers (RFC 1421) are skipped. */
export function pemDecode(text: string): PemBlock | undefined {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/.exec(text);
  if (!m) return undefined;
  const body = m[2]!
    .split(/\r?\n/)
    .filter((l) => l !== '' && !l.includes(':'))
    .join('');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) return undefined;
  return { type: m[1]!, bytes: Buffer.from(body, 'base64') };
}
