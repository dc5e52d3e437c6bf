/**
 * apk's version ordering: NUMBER{.NUMBER}[LETTER]{_SUFFIX[NUMBER]}[-rREV],
 * where pre-release suffixes (alpha, beta, pre, rc) sort before the plain
 * version and post-release ones (cvs, svn, git, hg, p) after it, and a
 * component with leading zeros after a '.' compares as a fraction. Written
 * from the format's description and checked against apk-tools' own version
 * test data (test/fixtures/apk/version.data). Pure.
 */

/** Token kinds, in the order apk allows them to follow each other. */
const enum T {
  Invalid = -1,
  DigitOrZero = 0,
  Digit = 1,
  Letter = 2,
  Suffix = 3,
  SuffixNo = 4,
  RevisionNo = 5,
  End = 6,
}

const PRE = ['alpha', 'beta', 'pre', 'rc'];
const POST = ['cvs', 'svn', 'git', 'hg', 'p'];

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isLower = (c: string | undefined): boolean => c !== undefined && c >= 'a' && c <= 'z';

class Tokens {
  pos = 0;
  type: T = T.Digit;
  /** The previous token was a run of leading zeros (digits may follow or not). */
  zeros = false;
  constructor(readonly s: string) {}

  clone(): Tokens {
    const t = new Tokens(this.s);
    t.pos = this.pos;
    t.type = this.type;
    t.zeros = this.zeros;
    return t;
  }

  /** The value of the current token; advances to the next and sets its type. */
  next(): number {
    const s = this.s;
    if (this.pos >= s.length) {
      this.type = T.End;
      return 0;
    }
    let v = 0;
    let i = this.pos;
    let forced: T | undefined;
    const type = this.type;
    if (type === T.DigitOrZero && s[i] === '0') {
      // Leading zeros after a '.': the more zeros, the smaller (0.01 < 0.1).
      while (s[i] === '0') i++;
      v = -(i - this.pos);
      forced = T.Digit;
    } else if (type === T.DigitOrZero || type === T.Digit || type === T.SuffixNo || type === T.RevisionNo) {
      const start = i;
      while (isDigit(s[i])) v = v * 10 + (s.charCodeAt(i++) - 48);
      if (i - start >= 18 || (i === start && !this.zeros)) return this.invalid();
    }
    this.zeros = forced !== undefined;
    switch (type) {
      case T.DigitOrZero:
      case T.Digit:
      case T.SuffixNo:
      case T.RevisionNo:
        break;
      case T.Letter:
        v = s.charCodeAt(i++);
        break;
      case T.Suffix: {
        const rest = s.slice(i);
        const pre = PRE.findIndex((x) => rest.startsWith(x));
        const post = pre < 0 ? POST.findIndex((x) => rest.startsWith(x)) : -1;
        if (pre >= 0) ((v = pre - PRE.length), (i += PRE[pre]!.length));
        else if (post >= 0) ((v = post), (i += POST[post]!.length));
        else return this.invalid();
        break;
      }
      default:
        return this.invalid();
    }
    this.pos = i;
    if (i >= s.length) this.type = T.End;
    else if (forced !== undefined) this.type = forced;
    else this.advance();
    return v;
  }

  private invalid(): number {
    this.type = T.Invalid;
    return -1;
  }

  /** Decide the next token's type from the separator at `pos` (and consume it). */
  private advance(): void {
    const s = this.s;
    const c = s[this.pos];
    const cur = this.type;
    let n: T = T.Invalid;
    if ((cur === T.Digit || cur === T.DigitOrZero) && isLower(c)) n = T.Letter;
    else if (cur === T.Letter && isDigit(c)) n = T.Digit;
    else if (cur === T.Suffix && isDigit(c)) n = T.SuffixNo;
    else {
      if (c === '.') n = T.DigitOrZero;
      else if (c === '_') n = T.Suffix;
      else if (c === '-' && s[this.pos + 1] === 'r') ((n = T.RevisionNo), this.pos++);
      this.pos++;
    }
    if (
      n < cur &&
      !(
        (n === T.DigitOrZero && cur === T.Digit) ||
        (n === T.Suffix && cur === T.SuffixNo) ||
        (n === T.Digit && cur === T.Letter)
      )
    ) {
      n = T.Invalid;
    }
    this.type = n;
  }
}

/** True if `v` is a version apk accepts. */
export function isValidApkVersion(v: string): boolean {
  if (v === '' || !isDigit(v[0])) return false;
  const t = new Tokens(v);
  while (t.type !== T.End && t.type !== T.Invalid) t.next();
  return t.type === T.End;
}

/**
 * Compare two apk versions: negative, 0 or positive. With `fuzzy`, `b` is a
 * prefix pattern: a version equals it when it starts with b's components
 * (the `~` constraint: 3.10.5-r0 ~ 3.10).
 */
export function compareApkVersions(a: string, b: string, fuzzy = false): number {
  const ta = new Tokens(a);
  const tb = new Tokens(b);
  let av = 0;
  let bv = 0;
  while (ta.type === tb.type && ta.type !== T.End && ta.type !== T.Invalid && av === bv) {
    av = ta.next();
    bv = tb.next();
  }
  if (av < bv) return -1;
  if (av > bv) return 1;
  if (ta.type === tb.type) return 0;
  if (fuzzy && tb.type === T.End) return 0;
  // One version goes on: it is greater unless what follows is a pre-release suffix.
  if (ta.type === T.Suffix && ta.clone().next() < 0) return -1;
  if (tb.type === T.Suffix && tb.clone().next() < 0) return 1;
  if (ta.type > tb.type) return -1;
  if (tb.type > ta.type) return 1;
  return 0;
}

/** The highest of several versions. */
export function maxApkVersion(versions: readonly string[]): string | undefined {
  return versions.reduce<string | undefined>(
    (m, v) => (m === undefined || compareApkVersions(v, m) > 0 ? v : m),
    undefined,
  );
}
