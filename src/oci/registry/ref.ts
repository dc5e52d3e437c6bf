/**
 * Registry references: `HOST[:PORT]/REPOSITORY[:TAG][@DIGEST]`. Pure.
 *
 * pare has no default registry: the host is always written out, so a
 * reference means the same thing on every machine. The first path component
 * is the host when it has a dot or a port, is `localhost`, or is a bracketed
 * IPv6 address.
 */
import { UsageError } from '../../errors.js';

export interface Reference {
  /** host[:port], as written (lower-cased). */
  registry: string;
  /** Repository path inside the registry, e.g. `team/app`. */
  repository: string;
  tag?: string;
  digest?: string;
}

const COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const HOST = /^(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(?::[0-9]{1,5})?$/;

const FORM = 'HOST[:PORT]/REPOSITORY[:TAG] or HOST[:PORT]/REPOSITORY@sha256:HEX';

function bad(s: string, why: string): UsageError {
  return new UsageError('USAGE', `invalid registry reference ${JSON.stringify(s)}: ${why}`, {
    hint: `write it as ${FORM}`,
  });
}

export function parseReference(s: string): Reference {
  let rest = s.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw bad(s, `${JSON.stringify(digest)} is not a digest`);
  }
  const slash = rest.indexOf('/');
  if (slash < 0) throw bad(s, 'no registry host (pare has no default registry)');
  const host = rest.slice(0, slash);
  if (!(host.includes('.') || host.includes(':') || host === 'localhost' || host.startsWith('[')) || !HOST.test(host)) {
    throw bad(s, `${JSON.stringify(host)} is not a registry host (pare has no default registry)`);
  }
  let path = rest.slice(slash + 1);
  let tag: string | undefined;
  const colon = path.lastIndexOf(':');
  if (colon >= 0) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
    if (!TAG.test(tag)) throw bad(s, `${JSON.stringify(tag)} is not a valid tag`);
  }
  if (path === '') throw bad(s, 'no repository');
  for (const c of path.split('/')) {
    if (!COMPONENT.test(c))
      throw bad(
        s,
        `repository component ${JSON.stringify(c)} must be lower-case letters and digits, separated by . _ __ or -`,
      );
  }
  if (path.length > 255) throw bad(s, 'repository name longer than 255 characters');
  const ref: Reference = { registry: host.toLowerCase(), repository: path };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}

/** `host/repo`, without tag or digest. */
export function repoName(ref: Reference): string {
  return `${ref.registry}/${ref.repository}`;
}

/** The canonical string: `host/repo[:tag][@digest]`. */
export function formatReference(ref: Reference): string {
  return `${repoName(ref)}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/** What to PUT or GET a manifest under: the digest if there is one, else the tag (default `latest`). */
export function manifestReference(ref: Reference): string {
  return ref.digest ?? ref.tag ?? 'latest';
}

/** Accept a string or a parsed reference. */
export function toReference(ref: string | Reference): Reference {
  return typeof ref === 'string' ? parseReference(ref) : ref;
}
