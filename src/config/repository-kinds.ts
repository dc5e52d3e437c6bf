/**
 * Repository kinds in one config: Debian repositories need suites; APK
 * repositories (`type: apk`) need a url and take no suites or components;
 * one image is built from one kind. Pure.
 */
import type { RawConfig } from './raw.js';
import type { Problem } from './validate.js';

export const APK_PACKAGE_RE = /^[A-Za-z0-9_][A-Za-z0-9_+.:/-]*((=|<|<=|>|>=|~|=~)[A-Za-z0-9._+~-]+)?$/;

export function isApkContents(raw: RawConfig): boolean {
  return raw.contents.repositories.some((r) => typeof r === 'object' && r.type === 'apk');
}

export function checkRepositoryKinds(raw: RawConfig, at: (path: (string | number)[]) => number): Problem[] {
  const problems: Problem[] = [];
  const repos = raw.contents.repositories;
  const apk = isApkContents(raw);
  repos.forEach((r, i) => {
    const key = `contents.repositories[${i}]`;
    const o = typeof r === 'object' ? r : undefined;
    const push = (message: string) =>
      problems.push({ key, message, offset: at(['contents', 'repositories', i]), length: 1 });
    if (o?.type === 'apk') {
      if (o.url === undefined) push('an apk repository needs url: (the repository base, without the architecture)');
      if (o.suites !== undefined || o.components !== undefined)
        push('an apk repository has no suites or components: url names the repository');
      if (o.snapshot !== undefined || raw.contents.snapshot !== undefined)
        push('snapshot: is for Debian repositories (the snapshot archive serves Debian only)');
    } else {
      if (apk) push('apk and Debian repositories cannot be mixed in one image');
      else if (o && o.suites === undefined) push('a Debian repository needs suites:');
    }
  });
  return problems;
}
