/**
 * /etc/passwd and /etc/group, generated deterministically (no useradd, no
 * maintainer scripts): root, nobody and nonroot (65532) as in Google's
 * distroless, plus the config's accounts. Pure.
 */
import type { Config, GroupConfig, UserConfig } from '../config/index.js';
import { ConfigError } from '../errors.js';

export const NONROOT_UID = 65532;

const BUILTIN_USERS: UserConfig[] = [
  { username: 'root', uid: 0, gid: 0, homedir: '/root', shell: '/sbin/nologin' },
  { username: 'nobody', uid: 65534, gid: 65534, homedir: '/nonexistent', shell: '/sbin/nologin' },
  { username: 'nonroot', uid: NONROOT_UID, gid: NONROOT_UID, homedir: '/home/nonroot', shell: '/sbin/nologin' },
];
const BUILTIN_GROUPS: GroupConfig[] = [
  { groupname: 'root', gid: 0, members: [] },
  { groupname: 'tty', gid: 5, members: [] },
  { groupname: 'staff', gid: 50, members: [] },
  { groupname: 'nogroup', gid: 65534, members: [] },
  { groupname: 'nonroot', gid: NONROOT_UID, members: [] },
];

export interface Accounts {
  users: UserConfig[];
  groups: GroupConfig[];
  /** The numeric "uid[:gid]" the image runs as. */
  user: string;
}

/** Merge built-in and configured accounts; configured entries replace built-ins with the same name. */
export function accountsFor(config: Config): Accounts {
  const users = mergeBy(BUILTIN_USERS, config.accounts.users, (u) => u.username);
  const groups = mergeBy(BUILTIN_GROUPS, config.accounts.groups, (g) => g.groupname);
  // A configured user whose primary group does not exist gets one of the same name.
  for (const u of config.accounts.users) {
    if (!groups.some((g) => g.gid === u.gid)) groups.push({ groupname: u.username, gid: u.gid, members: [] });
  }
  users.sort((a, b) => a.uid - b.uid);
  groups.sort((a, b) => a.gid - b.gid);
  return { users, groups, user: runAs(config.accounts.runAs, users, config.file) };
}

function mergeBy<T>(base: T[], extra: T[], key: (t: T) => string): T[] {
  const names = new Set(extra.map(key));
  return [...base.filter((b) => !names.has(key(b))), ...extra];
}

function runAs(v: string | undefined, users: UserConfig[], file: string): string {
  if (v === undefined) return `${NONROOT_UID}:${NONROOT_UID}`;
  const [who, group] = v.split(':');
  const u = /^\d+$/.test(who!) ? users.find((x) => x.uid === Number(who)) : users.find((x) => x.username === who);
  if (!u && !/^\d+$/.test(who!)) {
    throw new ConfigError('CONFIG_SCHEMA', `${file}: accounts.run-as: no user named "${who}"`, {
      hint: `define it under accounts.users, or use one of: ${users.map((x) => x.username).join(', ')}`,
    });
  }
  const uid = u ? u.uid : Number(who);
  const gid = group !== undefined ? group : String(u ? u.gid : uid);
  return `${uid}:${gid}`;
}

export function passwdFile(a: Accounts): string {
  return a.users.map((u) => `${u.username}:x:${u.uid}:${u.gid}:${u.username}:${u.homedir}:${u.shell}\n`).join('');
}

export function groupFile(a: Accounts): string {
  return a.groups.map((g) => `${g.groupname}:x:${g.gid}:${g.members.join(',')}\n`).join('');
}
