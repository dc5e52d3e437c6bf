/**
 * The pare.yaml schema. Keys follow apko where the concept is the same
 * (contents.repositories/keyring/packages, entrypoint, cmd, work-dir,
 * environment, accounts, annotations, archs, paths); Debian needs suites and
 * components on repositories and `contents.exclude`.
 */
import { arr, int, map, obj, oneOf, str, type Spec } from './spec.js';

export const ARCHS = ['amd64', 'arm64', 'armhf', 'i386', 'ppc64el', 's390x', 'riscv64'] as const;

const repository = oneOf(
  [
    str('One-line form, as in sources.list: "[URL] SUITE [COMPONENT...]". Without a URL the Debian mirror is discovered.'),
    obj(
      {
        url: str('Repository base URL (http or https). Omit to use the Debian mirror from $PARE_MIRROR / $PARE_SECURITY_MIRROR or the host apt sources.', { pattern: '^https?://' }),
        suites: arr(str('Suite or codename, e.g. bookworm, bookworm-updates, bookworm-security'), 'Suites merged into one package universe; the highest version wins.', 1),
        components: arr(str(), 'Archive components (default: [main]).', 1),
        keyring: arr(str(), 'Keyring files (binary .gpg or armored .asc) that sign this repository; default: contents.keyring.'),
      },
      'A Debian repository.',
      ['suites'],
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


export const configSpec: Spec = obj(
  {
    contents: obj(
      {
        repositories: arr(repository, 'Debian repositories.', 1),
        keyring: arr(str(), 'OpenPGP keyrings that sign the repositories (default: the Debian archive keys shipped with pare).'),
        packages: arr(str('A package name, optionally NAME=VERSION.'), 'Packages to install with their dependencies.', 1),
        exclude: arr(str(), 'Packages never installed; dependencies on them count as satisfied and are recorded.'),
      },
      'What goes into the image.',
      ['repositories', 'packages'],
    ),
    entrypoint: obj({ command: str('The entrypoint command line (split on spaces unless given as a list).'), args: arr(str()) }, 'Image entrypoint.'),
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
  },
  'pare image definition (pare.yaml).',
  ['contents'],
);
