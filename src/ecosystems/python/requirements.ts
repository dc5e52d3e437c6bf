/**
 * requirements.txt in pip's hash-checking mode: every requirement pinned
 * with `==` and at least one `--hash=sha256:…`, optionally with extras and
 * an environment marker; `--index-url`/`--extra-index-url` lines are kept.
 * Anything pip would have to resolve or build (ranges, URLs, -e, -r) is
 * refused, every problem reported at once with its line. Pure.
 */
import { AppError } from '../../errors.js';

export interface Requirement {
  /** PEP 503 normalized name. */
  name: string;
  version: string;
  marker?: string;
  /** Allowed sha256 digests (hex). */
  hashes: string[];
  line: number;
}

export interface Requirements {
  requirements: Requirement[];
  indexUrl?: string;
  extraIndexUrls: string[];
}

/** PEP 503: lowercase, runs of -, _ and . become one -. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

const HARMLESS = /^--(prefer-binary|only-binary|pre|trusted-host|require-hashes|no-deps)\b/;
const REQ = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(===?|~=|!=|<=|>=|<|>)?\s*([^\s;]*)\s*(?:;\s*(.*))?$/;

export function parseRequirements(text: string, file: string): Requirements {
  const out: Requirements = { requirements: [], extraIndexUrls: [] };
  const problems: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const start = i + 1;
    let logical = lines[i]!;
    while (logical.endsWith('\\') && i + 1 < lines.length) logical = logical.slice(0, -1) + ' ' + lines[++i]!;
    const line = logical.replace(/(^|\s)#.*$/, '').trim();
    if (line === '') continue;
    const at = `${file}:${start}`;
    if (line.startsWith('-')) {
      const m = /^(?:-i|--index-url)[\s=]+(\S+)$/.exec(line);
      const x = /^--extra-index-url[\s=]+(\S+)$/.exec(line);
      if (m) out.indexUrl = m[1]!;
      else if (x) out.extraIndexUrls.push(x[1]!);
      else if (!HARMLESS.test(line)) problems.push(`${at}: "${line}" is not supported (no -r, -c, -e, --find-links)`);
      continue;
    }
    const hashes: string[] = [];
    const rest = line
      .replace(/--hash[=\s]+([a-z0-9]+):([0-9a-fA-F]+)/g, (_all, alg: string, hex: string) => {
        if (alg === 'sha256') hashes.push(hex.toLowerCase());
        return '';
      })
      .trim();
    if (rest.includes('--')) {
      problems.push(`${at}: per-requirement option in "${line}" is not supported`);
      continue;
    }
    const m = REQ.exec(rest);
    if (!m || rest.includes(' @ ')) {
      problems.push(`${at}: "${rest}" is not NAME==VERSION (direct URLs and paths are not supported)`);
      continue;
    }
    const [, name, , op, version, marker] = m;
    if ((op !== '==' && op !== '===') || !version || version.includes('*')) {
      problems.push(`${at}: ${name} is not pinned with == (hash-checking mode needs exact versions)`);
      continue;
    }
    if (hashes.length === 0) {
      problems.push(`${at}: ${name}==${version} has no --hash=sha256:… (hash-checking mode needs one)`);
      continue;
    }
    out.requirements.push({
      name: normalizeName(name!),
      version,
      marker: marker?.trim() || undefined,
      hashes,
      line: start,
    });
  }
  if (problems.length) {
    throw new AppError('APP_LOCKFILE', `${file}: not a hash-checking requirements file:\n${problems.join('\n')}`, {
      hint: 'generate it with hashes, e.g. `pip-compile --generate-hashes` or `uv pip compile --generate-hashes`',
      detail: { problems },
    });
  }
  return out;
}
