/**
 * License text normalization for matching, in the spirit of the SPDX matching
 * guidelines: lower case, one space for any run of whitespace, comment
 * markers and DEP-5 continuation dots removed, quotes and dashes unified,
 * "licence" spelled "license". Keeps, for every normalized character, the
 * offset of the original character it came from, so a match can quote the
 * original text. Pure.
 */

export interface Normalized {
  text: string;
  /** offsets[i] = index in the original of text[i]. */
  offsets: number[];
}

const QUOTES: Record<string, string> = {
  '\u2018': "'",
  '\u2019': "'",
  '`': "'",
  '\u00b4': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u2013': '-',
  '\u2014': '-',
  '\u00a9': '(c)',
};

export function normalize(original: string): Normalized {
  let text = '';
  const offsets: number[] = [];
  let space = true;
  let i = 0;
  for (const line of original.split('\n')) {
    // Leading comment markers, bullets and DEP-5's " ." paragraph separators.
    const lead = /^\s*(?:(?:[*#;|>]+|\/\/|--|\.)(?=\s|$))?\s*/.exec(line)![0].length;
    for (let j = lead; j < line.length; j++) {
      const raw = line[j]!;
      const ch = QUOTES[raw] ?? raw.toLowerCase();
      if (/\s/.test(ch)) {
        if (!space) {
          text += ' ';
          offsets.push(i + j);
          space = true;
        }
        continue;
      }
      for (const c of ch) {
        text += c;
        offsets.push(i + j);
      }
      space = false;
    }
    if (!space) {
      text += ' ';
      offsets.push(i + line.length);
      space = true;
    }
    i += line.length + 1;
  }
  text = text.replace(/licence/g, 'license');
  return { text, offsets };
}
