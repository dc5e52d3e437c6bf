/**
 * One error base for the whole library. Every user-facing failure is a
 * PareError with a stable string `code`, a message that names the input, and a
 * `hint` that tells the user what to do. The CLI prints these without a stack
 * trace and exits 1 (2 for a UsageError); anything else is an internal error
 * (exit 70).
 *
 * Each error class owns its codes: CODES below lists them, with their meaning,
 * once; a class's constructor accepts only its own (a type-level union), so no
 * code appears under two classes. README.md's error table is checked against
 * CODES by a test.
 */
export const CODES = {
  ConfigError: {
    CONFIG_READ: 'the config file, or a file it names, cannot be read',
    CONFIG_PARSE: 'the config file is not valid YAML',
    CONFIG_SCHEMA: 'the config file has a wrong, missing or unknown key (each reported at file:line:column)',
  },
  SourceError: {
    SOURCES_NOT_FOUND: 'no Debian mirror for a suite: no url, no $PARE_MIRROR, nothing in the apt sources',
    RELEASE_PARSE: 'a Release/InRelease file is malformed',
    RELEASE_EXPIRED: "a Release file's Valid-Until date has passed",
    RELEASE_SUITE_MISMATCH: 'a Release file names another suite or codename than the one requested',
    RELEASE_ROLLBACK: 'a Release file is older than one already seen for the suite (a replayed, stale mirror)',
    INDEX_MISSING: 'the signed Release does not list a Packages index the config needs',
    INDEX_PARSE: 'a Packages index is malformed',
  },
  VerifyError: {
    SIG_MALFORMED: 'an OpenPGP signature or key cannot be parsed',
    SIG_NO_KEY: 'no key in the keyring made the signature',
    SIG_BAD: 'a signature (OpenPGP, cosign, DSSE) does not verify with the given key',
    KEYRING_READ: 'a keyring file cannot be read or holds no usable key',
    HASH_MISMATCH: 'content does not have the digest it was promised to have',
    SIZE_MISMATCH: 'content does not have the size it was promised to have',
  },
  ResolveError: {
    VERSION_PARSE: 'a Debian version string is malformed',
    RELATION_PARSE: 'a dependency field (Depends, Pre-Depends, ...) is malformed',
    PACKAGE_NOT_FOUND: 'a requested package is in no configured suite for the architecture',
    UNSATISFIABLE: 'no choice of package versions satisfies every dependency',
    LOCK_READ: 'the lock file cannot be read',
    LOCK_MISMATCH: 'the lock file is malformed or does not match the config (run `pare lock` again)',
    NOT_LOCKED: '`pare lock --update` names a package the lock file does not have',
  },
  FetchError: {
    FETCH_HTTP: 'a server answered with an HTTP error',
    FETCH_NETWORK: 'a server cannot be reached, or --offline is set and the file is not cached',
    FETCH_TOO_LARGE: 'a download grew past the size it may have',
    CACHE_IO: 'the cache directory cannot be read or written',
  },
  ArchiveError: {
    ARCHIVE_FORMAT: 'a .deb, ar or tar archive is malformed',
    ARCHIVE_COMPRESSION: 'an archive member has an unknown or corrupt compression',
  },
  TreeError: {
    PATH_HOSTILE: 'an archive entry escapes the root (.., absolute link through a symlink, ...)',
    FILE_CONFLICT: 'two packages install different files at the same path',
  },
  OutputError: {
    OUTPUT_EXISTS: 'the output path holds something pare will not replace',
    OUTPUT_WRITE: 'an output cannot be written',
    IMAGE_READ: 'an image (OCI layout or docker-archive) cannot be read, or is incomplete or ambiguous',
  },
  RegistryError: {
    REGISTRY_AUTH: 'the registry refused the credentials, or none were found',
    REGISTRY_HTTP: 'the registry answered with an error',
    REGISTRY_UNSUPPORTED: 'the registry asks for something pare does not speak',
  },
  SupplyError: {
    KEY_READ: 'a signing or public key file cannot be read or parsed',
    KEY_DECRYPT: 'the private key does not decrypt with the given password',
    KEY_PASSWORD_MISSING: 'the private key is encrypted and no password was given ($PARE_PASSWORD or $COSIGN_PASSWORD)',
    SIGNATURE_MISSING: 'the image has no signature',
    SIG_DIGEST_MISMATCH: 'a signature is for another image digest',
    SIG_PAYLOAD: 'a signature or attestation payload is malformed',
    ATTESTATION_MISSING: 'the image has no attestation of the requested type',
    ATTESTATION_SUBJECT_MISMATCH: 'an attestation is about another image digest',
  },
  AppError: {
    APP_LOCKFILE:
      'an application lock file (requirements.txt, pylock.toml, package-lock.json) is malformed or cannot be installed',
    APP_INDEX: 'an application package index cannot be found or read',
    APP_NOT_FOUND: 'an application package, file or the runtime it needs is not available',
    APP_SDIST_ONLY: 'a Python package has only a source distribution (pare installs wheels only)',
    APP_INSTALL_SCRIPTS: 'an npm package runs install scripts that the config does not allow',
  },
  LimitError: {
    LIMIT_EXCEEDED: 'a package or image is larger than the configured limits (sizes, file count)',
  },
  CheckError: {
    CHECK_FAILED: '`pare check` found a shell, package manager, setuid file or root user',
  },
  TraceError: {
    TRACE_TOOL: '`pare trace` needs root, runc and strace, and one of them is missing',
    TRACE_FAILED: 'the traced command or its probe could not be run, or the probe failed',
  },
  UsageError: {
    USAGE: 'bad command-line usage (exit status 2)',
  },
} as const;

type Codes = typeof CODES;
export type ErrorClassName = keyof Codes;
/** The codes one class owns. */
export type CodeOf<K extends ErrorClassName> = keyof Codes[K] & string;
export type ErrorCode = { [K in ErrorClassName]: CodeOf<K> }[ErrorClassName];

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

export abstract class PareError<C extends ErrorCode = ErrorCode> extends Error {
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

export class ConfigError extends PareError<CodeOf<'ConfigError'>> {}
export class SourceError extends PareError<CodeOf<'SourceError'>> {}
export class VerifyError extends PareError<CodeOf<'VerifyError'>> {}
export class ResolveError extends PareError<CodeOf<'ResolveError'>> {}
export class FetchError extends PareError<CodeOf<'FetchError'>> {}
export class ArchiveError extends PareError<CodeOf<'ArchiveError'>> {}
export class TreeError extends PareError<CodeOf<'TreeError'>> {}
export class OutputError extends PareError<CodeOf<'OutputError'>> {}
export class RegistryError extends PareError<CodeOf<'RegistryError'>> {}
export class SupplyError extends PareError<CodeOf<'SupplyError'>> {}
/** A package or image larger than the configured limits (sizes, file count). */
/** Application dependencies: lock files, package indexes, wheels and tarballs. */
export class AppError extends PareError<CodeOf<'AppError'>> {}
export class LimitError extends PareError<CodeOf<'LimitError'>> {}
export class CheckError extends PareError<CodeOf<'CheckError'>> {}
/** `pare trace`: the tools it runs and the traced command. */
export class TraceError extends PareError<CodeOf<'TraceError'>> {}
export class UsageError extends PareError<CodeOf<'UsageError'>> {}

/** The exit status of the CLI for an error of this code. */
export function exitStatusOf(code: ErrorCode): 1 | 2 {
  return code in CODES.UsageError ? 2 : 1;
}

export function isPareError(e: unknown): e is PareError {
  return e instanceof PareError;
}

/** Narrowing helper in the style of sigstore-js: asserts an error's code. */
export function hasCode<C extends ErrorCode>(e: unknown, code: C): e is PareError<C> {
  return e instanceof PareError && e.code === code;
}
