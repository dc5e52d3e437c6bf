/**
 * Throw-away OpenPGP keys made with the real `gpg` CLI, in a temporary
 * GNUPGHOME, for signed fixtures (InRelease files, Release.gpg, keyrings).
 *
 *   const key = await createSigningKey({ type: 'rsa2048' });
 *   try {
 *     const inRelease = await key.clearsign(releaseText);
 *     const keyring = parseKeyring(key.keyring);
 *   } finally {
 *     await key.cleanup();
 *   }
 *
 * Times (`createdAt`, `at`) use gpg's --faked-system-time, so tests can make
 * keys and signatures in the past (expired keys, old signatures).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type KeyType = 'ed25519' | 'rsa2048' | 'rsa4096' | 'nistp256';

export interface SigningKeyOptions {
  /** Key algorithm (default ed25519, which gpg 2.2 writes as EdDSA, algorithm 22). */
  type?: KeyType;
  uid?: string;
  /** Add a signing subkey; gpg then signs with the subkey, as Debian's archive keys do. */
  subkey?: boolean;
  /** Make the key as if at this time. */
  createdAt?: Date;
  /** gpg expiry for the primary key (and subkey): 'never' (default), '1y', '30d', ... */
  expire?: string;
}

export interface AtOptions {
  /** Run gpg as if at this time (the signature creation time). */
  at?: Date;
}

export interface SigningKey {
  /** The binary public keyring (`gpg --export`) as made at creation. */
  keyring: Buffer;
  /** Primary key fingerprint, upper-case hex. */
  fingerprint: string;
  /** Fingerprint of the key that makes signatures: the subkey if `subkey`, else the primary. */
  signingFingerprint: string;
  /** The temporary GNUPGHOME. */
  homedir: string;
  /** A clearsigned message (SHA-256), like an InRelease file. */
  clearsign(text: string | Uint8Array, opts?: AtOptions): Promise<string>;
  /** A detached binary-mode signature (SHA-256), like Release.gpg (armored by default). */
  detachSign(data: string | Uint8Array, opts?: AtOptions & { armor?: boolean }): Promise<Buffer>;
  /** The current public keyring (after changes such as setExpire). */
  exportPublic(opts?: { armor?: boolean }): Promise<Buffer>;
  /** Sets a new expiry on the primary key (a new self-signature); returns the new public keyring. */
  setExpire(expire: string, opts?: AtOptions): Promise<Buffer>;
  /** Runs gpg in this key's home with any arguments. */
  gpg(args: string[], opts?: AtOptions & { input?: string | Uint8Array }): Promise<Buffer>;
  /** Stops the gpg-agent and removes the home directory. */
  cleanup(): Promise<void>;
}

/** True if the gpg CLI is installed. */
export function gpgAvailable(): boolean {
  return spawnSync('gpg', ['--version'], { stdio: 'ignore' }).status === 0;
}

const GPG_ALGO: Record<KeyType, string> = {
  ed25519: 'ed25519',
  rsa2048: 'rsa2048',
  rsa4096: 'rsa4096',
  nistp256: 'nistp256',
};

/** Makes a fresh key in its own temporary GNUPGHOME. */
export async function createSigningKey(opts: SigningKeyOptions = {}): Promise<SigningKey> {
  const homedir = await mkdtemp(join(tmpdir(), 'pare-gpg-'));
  const gpg = (args: string[], o: AtOptions & { input?: string | Uint8Array } = {}) => runGpg(homedir, args, o);
  const cleanup = async () => {
    spawnSync('gpgconf', ['--homedir', homedir, '--kill', 'all'], { stdio: 'ignore' });
    await rm(homedir, { recursive: true, force: true });
  };
  try {
    const algo = GPG_ALGO[opts.type ?? 'ed25519'];
    const expire = opts.expire ?? 'never';
    const at = { at: opts.createdAt };
    await gpg(
      ['--passphrase', '', '--quick-gen-key', opts.uid ?? 'Test <t@example.invalid>', algo, 'sign', expire],
      at,
    );
    let [fingerprint] = await fingerprints(gpg);
    if (opts.subkey) {
      await gpg(['--passphrase', '', '--quick-add-key', fingerprint!, algo, 'sign', expire], at);
    }
    const fprs = await fingerprints(gpg);
    fingerprint = fprs[0]!;
    const signingFingerprint = fprs[fprs.length - 1];
    const exportPublic = (o: { armor?: boolean } = {}) =>
      gpg(['--export', ...(o.armor ? ['--armor'] : []), fingerprint]);
    return {
      keyring: await exportPublic(),
      fingerprint,
      signingFingerprint: signingFingerprint!,
      homedir,
      clearsign: async (text, o = {}) =>
        (await gpg(['--clearsign', '--digest-algo', 'SHA256', '-u', fingerprint], { ...o, input: text })).toString(
          'utf8',
        ),
      detachSign: (data, o = {}) =>
        gpg(
          ['--detach-sign', ...(o.armor === false ? [] : ['--armor']), '--digest-algo', 'SHA256', '-u', fingerprint],
          { ...o, input: data },
        ),
      exportPublic,
      setExpire: async (exp, o = {}) => {
        await gpg(['--passphrase', '', '--quick-set-expire', fingerprint, exp], o);
        return exportPublic();
      },
      gpg,
      cleanup,
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

async function fingerprints(gpg: SigningKey['gpg']): Promise<string[]> {
  const out = (await gpg(['--with-colons', '--list-keys'])).toString('utf8');
  return out
    .split('\n')
    .filter((l) => l.startsWith('fpr:'))
    .map((l) => l.split(':')[9]!);
}

function runGpg(homedir: string, args: string[], o: AtOptions & { input?: string | Uint8Array }): Promise<Buffer> {
  const time = o.at ? ['--faked-system-time', `${Math.floor(o.at.getTime() / 1000)}!`] : [];
  const full = [
    '--homedir',
    homedir,
    '--batch',
    '--no-tty',
    '--quiet',
    '--pinentry-mode',
    'loopback',
    ...time,
    ...args,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('gpg', full, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else
        reject(new Error(`gpg ${args.join(' ')} failed (exit ${code}): ${Buffer.concat(err).toString('utf8').trim()}`));
    });
    // gpg may exit without reading stdin (e.g. --list-keys): the exit code tells, not EPIPE.
    child.stdin.on('error', () => {});
    child.stdin.end(o.input ?? '');
  });
}
