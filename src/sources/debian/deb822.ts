/**
 * deb822 paragraphs (deb822(5)): control files, Packages and Release indexes,
 * .sources files. Pure: text in, values out, every value remembers its line.
 *
 * Values keep their continuation lines verbatim (leading whitespace included)
 * joined with "\n", so `Name: value` writes the original stanza back exactly.
 * Use `valueLines()` for list-valued fields such as Release's SHA256.
 */
import { SourceError } from '../../errors.js';

export interface Paragraph {
  /** Field values by lowercased name. */
  fields: Map<string, string>;
  /** Original spelling of each field name, by lowercased name, in file order. */
  names: Map<string, string>;
  /** 1-based line of the paragraph's first field. */
  line: number;
  /** 1-based line of each field, by lowercased name. */
  fieldLines: Map<string, number>;
}

/**
 * Parses deb822 text into paragraphs. Blank (or whitespace-only) lines
 * separate paragraphs; lines starting with '#' are comments (field names may
 * not start with '#'); lines starting with space or tab continue the previous
 * field. Errors: SourceError 'INDEX_PARSE' with file:line.
 */
export function parseDeb822(text: string, file: string): Paragraph[] {
  const out: Paragraph[] = [];
  let cur: Paragraph | undefined;
  let lastKey: string | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let raw = lines[i];
    if (raw!.endsWith('\r')) raw = raw!.slice(0, -1);
    const lineNo = i + 1;
    if (raw!.length === 0 || raw!.trim().length === 0) {
      if (cur) out.push(cur);
      cur = undefined;
      lastKey = undefined;
      continue;
    }
    const c0 = raw!.charCodeAt(0);
    if (c0 === 0x23 /* # */) continue;
    if (c0 === 0x20 || c0 === 0x09) {
      if (!cur || lastKey === undefined) {
        throw parseError(file, lineNo, 'continuation line without a field before it', raw!);
      }
      cur.fields.set(lastKey, cur.fields.get(lastKey)! + '\n' + raw);
      continue;
    }
    const colon = raw!.indexOf(':');
    if (colon <= 0) throw parseError(file, lineNo, 'expected "Field: value"', raw!);
    const name = raw!.slice(0, colon);
    if (/[\s]/.test(name) || name.startsWith('-')) {
      throw parseError(file, lineNo, `invalid field name "${name}"`, raw!);
    }
    const key = name.toLowerCase();
    if (!cur) {
      cur = { fields: new Map(), names: new Map(), line: lineNo, fieldLines: new Map() };
    }
    if (cur.fields.has(key)) {
      throw parseError(file, lineNo, `duplicate field "${name}" (first at line ${cur.fieldLines.get(key)})`, raw!);
    }
    cur.fields.set(key, raw!.slice(colon + 1).trim());
    cur.names.set(key, name);
    cur.fieldLines.set(key, lineNo);
    lastKey = key;
  }
  if (cur) out.push(cur);
  return out;
}

/** A field's value by case-insensitive name. */
export function getField(p: Paragraph, name: string): string | undefined {
  return p.fields.get(name.toLowerCase());
}

/**
 * The non-empty lines of a (multi-line) value, trimmed: for list fields such
 * as Release's `SHA256:` or a .sources file's `URIs:`.
 */
export function valueLines(value: string): string[] {
  const out: string[] = [];
  for (const l of value.split('\n')) {
    const t = l.trim();
    if (t.length > 0) out.push(t);
  }
  return out;
}

/** Writes a paragraph back as deb822 text (fields in original order). */
export function formatParagraph(p: Paragraph): string {
  let s = '';
  for (const [key, name] of p.names) {
    const v = p.fields.get(key)!;
    s += v.length === 0 || v.startsWith('\n') ? `${name}:${v}\n` : `${name}: ${v}\n`;
  }
  return s;
}

function parseError(file: string, line: number, what: string, raw: string): SourceError {
  const excerpt = raw.length > 80 ? raw.slice(0, 77) + '...' : raw;
  return new SourceError('INDEX_PARSE', `${file}:${line}: ${what}: ${excerpt}`, {
    pos: { file, line, col: 1 },
    hint: 'the file is not valid deb822 (RFC822-style "Field: value" paragraphs separated by blank lines)',
  });
}
