/**
 * One error base for the whole library. Every user-facing failure is a
 * PareError with a stable string `code`, a message that names the input, and a
 * `hint` that tells the user what to do. The CLI prints these without a stack
 * trace and exits 1; anything else is an internal error (exit 70).
 */
export type ErrorCode =
  // config
  | 'CONFIG_READ'
  | 'CONFIG_PARSE'
  | 'CONFIG_SCHEMA'
  // sources / verification
  | 'SOURCES_NOT_FOUND'
  | 'RELEASE_PARSE'
  | 'RELEASE_EXPIRED'
  | 'RELEASE_SUITE_MISMATCH'
  | 'RELEASE_ROLLBACK'
  | 'SIG_MALFORMED'
  | 'SIG_NO_KEY'
  | 'SIG_BAD'
  | 'KEYRING_READ'
  | 'INDEX_MISSING'
  | 'INDEX_PARSE'
  | 'HASH_MISMATCH'
  | 'SIZE_MISMATCH'
  // resolve
  | 'VERSION_PARSE'
  | 'RELATION_PARSE'
  | 'PACKAGE_NOT_FOUND'
  | 'UNSATISFIABLE'
  | 'LOCK_MISMATCH'
  // fetch
  | 'FETCH_HTTP'
  | 'FETCH_NETWORK'
  | 'FETCH_TOO_LARGE'
  | 'CACHE_IO'
  // archives and tree
  | 'ARCHIVE_FORMAT'
  | 'ARCHIVE_COMPRESSION'
  | 'PATH_HOSTILE'
  | 'FILE_CONFLICT'
  // application dependencies (ecosystems/)
  | 'APP_LOCKFILE'
  | 'APP_INDEX'
  | 'APP_NOT_FOUND'
  | 'APP_SDIST_ONLY'
  | 'APP_INSTALL_SCRIPTS'
  // limits on what a build may expand to
  | 'LIMIT_EXCEEDED'
  // image and output
  | 'OUTPUT_EXISTS'
  | 'OUTPUT_WRITE'
  | 'IMAGE_READ'
  // keys, signatures and attestations (supply/)
  | 'KEY_READ'
  | 'KEY_DECRYPT'
  | 'KEY_PASSWORD_MISSING'
  | 'SIGNATURE_MISSING'
  | 'SIG_INVALID'
  | 'SIG_DIGEST_MISMATCH'
  | 'SIG_PAYLOAD'
  | 'ATTESTATION_MISSING'
  | 'ATTESTATION_SUBJECT_MISMATCH'
  // registry
  | 'REGISTRY_AUTH'
  | 'REGISTRY_HTTP'
  | 'REGISTRY_UNSUPPORTED'
  // pare check
  | 'CHECK_FAILED'
  | 'USAGE';

export interface Position {
  file: string;
  line: number; // 1-based
  col: number; // 1-based
}

export interface PareErrorOptions {
  hint?: string;
  pos?: Position;
  cause?: unknown;
  /** Extra structured detail for programs (e.g. {path, packages}). */
  detail?: Record<string, unknown>;
}

export class PareError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;
  readonly hint?: string;
  readonly pos?: Position;
  readonly detail?: Record<string, unknown>;

  constructor(code: C, message: string, opts: PareErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = opts.hint;
    this.pos = opts.pos;
    this.detail = opts.detail;
  }
}

export class ConfigError extends PareError {}
export class SourceError extends PareError {}
export class VerifyError extends PareError {}
export class ResolveError extends PareError {}
export class FetchError extends PareError {}
export class ArchiveError extends PareError {}
export class TreeError extends PareError {}
export class OutputError extends PareError {}
export class RegistryError extends PareError {}
export class UsageError extends PareError {}
export class SupplyError extends PareError {}
/** Application dependencies: lock files, package indexes, wheels and tarballs. */
export class AppError extends PareError {}
/** A package or image larger than the configured limits (sizes, file count). */
export class LimitError extends PareError<'LIMIT_EXCEEDED'> {}

export function isPareError(e: unknown): e is PareError {
  return e instanceof PareError;
}

/** Narrowing helper in the style of sigstore-js: asserts an error's code. */
export function hasCode<C extends ErrorCode>(e: unknown, code: C): e is PareError<C> {
  return e instanceof PareError && e.code === code;
}
