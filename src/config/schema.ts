/**
 * The pare.yaml schema. Keys follow apko where the concept is the same
 * (contents.repositories/keyring/packages, entrypoint, cmd, work-dir,
 * environment, accounts, annotations, archs, paths); Debian needs suites and
 * components on repositories and `contents.exclude`.
 */
import { arr, bool, int, map, obj, oneOf, str, type Spec } from './spec.js';
import { appSpecs } from './apps.js';
import { SIZE_PATTERN } from './limits.js';

export const ARCHS = ['amd64', 'arm64', 'armhf', 'i386', 'ppc64el', 's390x', 'riscv64'] as const;

/** A snapshot timestamp, as the snapshot archive's layout spells it. */
const SNAPSHOT = str(
  'Read the archive as it was at this time, from the snapshot archive at $PARE_SNAPSHOT_MIRROR (layout BASE/archive/ARCHIVE/TIMESTAMP/); Valid-Until is not enforced there. On contents: for every Debian repository.',
  { pattern: '^[0-9]{8}T[0-9]{6}Z$', patternHint: 'a UTC timestamp YYYYMMDDTHHMMSSZ, e.g. 20240115T000000Z' },
);

const repository = oneOf(
  [
    str(
      'One-line form, as in sources.list: "[URL] SUITE [COMPONENT...]". Without a URL the Debian mirror is discovered.',
    ),
    obj(
      {
        type: str('Repository kind: debian (default) or apk (an Alpine or Wolfi repository).', {
          enum: ['debian', 'apk'],
        }),
        url: str(
          'Repository base URL (http or https). Omit to use the Debian mirror from $PARE_MIRROR / $PARE_SECURITY_MIRROR or the host apt sources.',
          { pattern: '^https?://' },
        ),
        suites: arr(
          str('Suite or codename, e.g. bookworm, bookworm-updates, bookworm-security'),
          'Suites merged into one package universe; the highest version wins.',
          1,
        ),
        components: arr(str(), 'Archive components (default: [main]).', 1),
        snapshot: SNAPSHOT,
        keyring: arr(
          str(),
          'Keyring files (binary .gpg or armored .asc) that sign this repository; default: contents.keyring. For type: apk, RSA public keys (.rsa.pub paths or URLs) whose file names are the key names.',
        ),
      },
      'A Debian repository (suites required), or with type: apk an APK repository (url required; apk reads URL/ARCH/APKINDEX.tar.gz).',
    ),
  ],
  'A Debian repository.',
);

const user = obj(
  {
    username: str('Login name.'),
    uid: int('Numeric user id.', 0, 2 ** 31 - 1),
    gid: int('Primary group id (default: same as uid).', 0, 2 ** 31 - 1),
    homedir: str('Home directory (default: /home/USERNAME).'),
    shell: str('Login shell (default: /sbin/nologin).'),
  },
  'A user account written to /etc/passwd.',
  ['username', 'uid'],
);

const group = obj(
  {
    groupname: str('Group name.'),
    gid: int('Numeric group id.', 0, 2 ** 31 - 1),
    members: arr(str(), 'Member user names.'),
  },
  'A group written to /etc/group.',
  ['groupname', 'gid'],
);

export const PATH_TYPES = ['directory', 'empty-file', 'file', 'symlink', 'hardlink', 'permissions'] as const;

const pathEntry = obj(
  {
    path: str('Absolute image path.', { pattern: '^/', patternHint: 'an absolute path (starting with /)' }),
    type: str('What to do at the path.', { enum: PATH_TYPES }),
    source: str(
      "file: a file or directory relative to the config file's directory (the build context); symlink/hardlink: the target (apko spelling).",
    ),
    target: str('symlink: the link target; hardlink: the image path to link to.'),
    uid: int('Owner uid (default 0).', 0, 2 ** 31 - 1),
    gid: int('Owner gid (default 0).', 0, 2 ** 31 - 1),
    permissions: oneOf([int(), str()], 'Mode in octal, like chmod: 0o755, 0755 or "755".'),
    recursive: bool('permissions/directory: apply uid, gid and mode to everything below as well.'),
  },
  'Content added to the image or changed in it (apko paths).',
  ['path', 'type'],
);

const sliceRules = {
  include: arr(
    str('A glob over image paths: * within a segment, ** across segments, ?.'),
    'Keep these paths even when a rule drops them.',
  ),
  exclude: arr(str('A glob over image paths: * within a segment, ** across segments, ?.'), 'Drop these paths.'),
};

const slicing = obj(
  {
    enabled: bool(
      'Apply the built-in rules that drop docs (except copyright), man and info pages, lintian overrides and locales other than C.UTF-8 (default true). Your own rules apply either way.',
    ),
    ...sliceRules,
    packages: map(
      obj(sliceRules, 'Rules for the files of one package; they win over the image rules.'),
      'Per-package rules, by package name.',
    ),
  },
  'Slicing: drop files a runtime never reads.',
);

const minimize = obj(
  {
    keep: arr(
      str(
        "An absolute glob over image paths (starts with '/'), or a trace file written by `pare trace` (relative to the config file).",
      ),
      'What the application uses: trace files and globs. Package files not listed (and not needed by them) are removed.',
    ),
    elf: bool(
      'Also keep every library the kept programs and libraries load, as the dynamic loader resolves them (PT_INTERP, DT_NEEDED, RPATH/RUNPATH with $ORIGIN, ld.so.conf.d, multiarch directories).',
    ),
  },
  'Minimization: keep only the package files the application uses; scanner metadata lists exactly what is kept.',
);

const size = str('A size: bytes, or with a suffix K, M, G, T (binary), e.g. 512M, 3GiB.', {
  pattern: SIZE_PATTERN,
  patternHint: 'a size such as 512M or 3GiB',
});

export const configSpec: Spec = obj(
  {
    contents: obj(
      {
        repositories: arr(repository, 'Debian repositories.', 1),
        keyring: arr(
          str(),
          'OpenPGP keyrings that sign the repositories (default: the Debian archive keys shipped with pare).',
        ),
        packages: arr(
          str('A package name, optionally NAME=VERSION.'),
          'Packages to install with their dependencies.',
          1,
        ),
        exclude: arr(str(), 'Packages never installed; dependencies on them count as satisfied and are recorded.'),
        snapshot: SNAPSHOT,
      },
      'What goes into the image.',
      ['repositories', 'packages'],
    ),
    entrypoint: obj(
      { command: str('The entrypoint command line (split on spaces unless given as a list).'), args: arr(str()) },
      'Image entrypoint.',
    ),
    cmd: oneOf([str(), arr(str())], 'Default arguments (Cmd).'),
    'work-dir': str('Working directory.'),
    environment: map(str(), 'Environment variables.'),
    accounts: obj(
      {
        users: arr(user, 'Users.'),
        groups: arr(group, 'Groups.'),
        'run-as': oneOf([str(), int()], 'User the image runs as: a name or uid (default: 65532, nonroot).'),
      },
      'Accounts.',
    ),
    annotations: map(str(), 'OCI annotations; also written as image config labels.'),
    archs: arr(str('Architecture.', { enum: ARCHS }), 'Architectures to build (default: [amd64]).', 1),
    paths: arr(
      pathEntry,
      'Application content: files from the build context, directories, symlinks, hard links, permission changes.',
    ),
    slicing,
    minimize,
    ...appSpecs,
    debug: bool(
      'Add a second layer with busybox under /busybox and /busybox/sh as entrypoint (like distroless :debug).',
    ),
    base: str(
      'Build on this image: oci:DIR[:TAG] (an OCI layout), docker-archive:FILE, or a registry reference HOST/REPO[:TAG]. Paths are relative to the config file. Its layers are kept as they are; only packages it lacks are installed.',
    ),
    layering: obj(
      {
        strategy: str('none: one layer for all packages (the default); origin: packages grouped by source package.', {
          enum: ['none', 'origin'],
        }),
        budget: int(
          'origin: the most layers the packages and generated files take (default 32); the largest origins keep their own layers, the rest share one.',
          2,
          127,
        ),
      },
      'How packages are split into layers (apko layering). Application and debug layers come on top of these.',
    ),
    limits: obj(
      {
        'package-size': oneOf([int('Bytes.', 0), size], 'Most bytes one package may unpack to (default 16G).'),
        'image-size': oneOf([int('Bytes.', 0), size], 'Most bytes all packages together may unpack to (default 64G).'),
        files: int('Most entries (files, directories, links) in the image (default 2000000).', 1),
      },
      'Limits checked while unpacking; a build over a limit fails with LIMIT_EXCEEDED and writes nothing.',
    ),
  },
  'pare image definition (pare.yaml).',
  ['contents'],
);
