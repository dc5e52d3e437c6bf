/**
 * The host's apt sources (deb822 `.sources` and one-line `sources.list`),
 * parsed so pare can use the same Debian mirror as the machine it runs on.
 * Pure parsers; `readHostSources` (in discover.ts) does the reading.
 */
import { getField, parseDeb822 } from './deb822.js';

export interface AptSource {
  uri: string;
  suites: string[];
  components: string[];
  /** Where it was found, e.g. /etc/apt/sources.list.d/debian.sources:1 */
  origin: string;
}

const usable = (uri: string) => /^https?:\/\//.test(uri);

export function parseDeb822Sources(text: string, file: string): AptSource[] {
  const out: AptSource[] = [];
  for (const p of parseDeb822(text, file)) {
    const types = (getField(p, 'Types') ?? '').split(/\s+/);
    const enabled = (getField(p, 'Enabled') ?? 'yes').trim().toLowerCase() !== 'no';
    if (!types.includes('deb') || !enabled) continue;
    const words = (f: string) => (getField(p, f) ?? '').split(/\s+/).filter(Boolean);
    for (const uri of words('URIs').filter(usable)) {
      out.push({
        uri: uri.replace(/\/+$/, ''),
        suites: words('Suites'),
        components: words('Components'),
        origin: `${file}:${p.line}`,
      });
    }
  }
  return out;
}

export function parseOneLineSources(text: string, file: string): AptSource[] {
  const out: AptSource[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) return;
    const withoutOptions = line.replace(/\[[^\]]*\]/, ' ');
    const [type, uri, suite, ...components] = withoutOptions.split(/\s+/).filter(Boolean);
    if (type !== 'deb' || !uri || !suite || !usable(uri)) return;
    out.push({ uri: uri.replace(/\/+$/, ''), suites: [suite], components, origin: `${file}:${i + 1}` });
  });
  return out;
}

/** A security archive serves suites like bookworm-security (or the old buster/updates). */
export function isSecuritySuite(suite: string): boolean {
  return /-security$|\/updates$/.test(suite);
}
