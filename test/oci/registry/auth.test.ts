/** Authentication against the real docker-registry: htpasswd (Basic) and token (Bearer), credentials from env, Docker config and helpers. */
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hasCode } from '../../../src/errors.js';
import { findCredentials, getManifest, pushImage, RegistryClient } from '../../../src/oci/registry/index.js';
import { skopeo } from '../../helpers/image.js';
import { PASSWORD, randomImage, startRegistry, USER, type Registry } from '../../helpers/registry.js';

const fast = { retry: { attempts: 2, baseMs: 10, maxMs: 20 } };
const envCreds = { PARE_REGISTRY_USER: USER, PARE_REGISTRY_PASSWORD: PASSWORD };
let tmp: string;
/** An environment with no Docker config and no PARE_* variables. */
const bare = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: tmp,
  DOCKER_CONFIG: path.join(tmp, 'none'),
  ...extra,
});

before(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'pare-auth-'));
});
after(async () => rm(tmp, { recursive: true, force: true }));

async function dockerConfig(name: string, config: unknown): Promise<string> {
  const dir = path.join(tmp, name);
  await import('node:fs/promises').then((fs) => fs.mkdir(dir, { recursive: true }));
  await writeFile(path.join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}

/** A docker-credential-NAME script on a fresh PATH directory: answers `users[host]`, else "credentials not found". */
async function credentialHelper(name: string, users: Record<string, string>): Promise<string> {
  const bin = path.join(tmp, `bin-${name}`);
  await mkdir(bin, { recursive: true });
  const cases = Object.entries(users)
    .map(([host, user]) => `  ${host}) printf '{"Username":"${user}","Secret":"${name}-secret"}' ;;`)
    .join('\n');
  await writeFile(
    path.join(bin, `docker-credential-${name}`),
    `#!/bin/sh\nread host\ncase "$host" in\n${cases}\n  *) echo "credentials not found in native keychain"; exit 1 ;;\nesac\n`,
    { mode: 0o755 },
  );
  return bin;
}

describe('credentials', () => {
  it('env wins; then credHelpers, then credsStore, then auths: each source over every later one', async () => {
    const helperBin = await credentialHelper('pare-helper', { 'all.test': 'from-helper' });
    const storeBin = await credentialHelper('pare-store', { 'all.test': 'from-store', 'store.test': 'from-store' });
    const dir = await dockerConfig('order', {
      credHelpers: { 'all.test': 'pare-helper' },
      credsStore: 'pare-store',
      auths: {
        'all.test': { username: 'from-auths', password: 'x' },
        'store.test': { username: 'from-auths', password: 'x' },
        'plain.test': { username: 'from-auths', password: 'x' },
      },
    });
    const env = (extra: NodeJS.ProcessEnv = {}) =>
      bare({ DOCKER_CONFIG: dir, PATH: `${helperBin}:${storeBin}:${process.env.PATH}`, ...extra });
    const user = async (host: string, e = env()) => (await findCredentials(host, { env: e }))?.username;
    assert.equal(await user('all.test', env(envCreds)), USER, 'the environment over every config source');
    assert.equal(await user('all.test'), 'from-helper', 'credHelpers over credsStore and auths');
    assert.equal(await user('store.test'), 'from-store', 'credsStore over auths');
    assert.equal(await user('plain.test'), 'from-auths', 'auths when the store has nothing');
    assert.equal(await findCredentials('unknown.test', { env: env() }), undefined);
  });

  it('reads auths entries: base64 auth (password with colons), username/password, identitytoken', async () => {
    const auth = Buffer.from('alice:pw:with:colons').toString('base64');
    const dir = await dockerConfig('c1', {
      auths: {
        'https://reg.test:5000/v1/': { auth },
        'other.test': { username: 'bob', password: 'pw2' },
        'tok.test': { identitytoken: 'refresh' },
      },
    });
    const c = await findCredentials('reg.test:5000', { env: bare({ DOCKER_CONFIG: dir }) });
    assert.equal(c?.username, 'alice');
    assert.equal(c?.password, 'pw:with:colons');
    assert.equal((await findCredentials('other.test', { env: bare({ DOCKER_CONFIG: dir }) }))?.password, 'pw2');
    assert.equal((await findCredentials('tok.test', { env: bare({ DOCKER_CONFIG: dir }) }))?.identityToken, 'refresh');
    assert.equal(await findCredentials('unknown.test', { env: bare({ DOCKER_CONFIG: dir }) }), undefined);
    assert.equal(await findCredentials('unknown.test', { env: bare() }), undefined);
  });

  it('runs docker-credential-NAME get with the host on stdin', async () => {
    const bin = path.join(tmp, 'bin');
    await import('node:fs/promises').then((fs) => fs.mkdir(bin, { recursive: true }));
    const helper = path.join(bin, 'docker-credential-pare-test');
    await writeFile(
      helper,
      `#!/bin/sh\nread host\nif [ "$host" = "helped.test" ]; then printf '{"ServerURL":"%s","Username":"helper-user","Secret":"helper-secret"}' "$host"; ` +
        `elif [ "$host" = "token.test" ]; then printf '{"Username":"<token>","Secret":"rt"}'; else echo "credentials not found in native keychain"; exit 1; fi\n`,
    );
    await chmod(helper, 0o755);
    const dir = await dockerConfig('c2', {
      credHelpers: { 'helped.test': 'pare-test' },
      credsStore: 'pare-test',
      auths: { 'fallback.test': { username: 'f', password: 'g' } },
    });
    const env = bare({ DOCKER_CONFIG: dir, PATH: `${bin}:${process.env.PATH}` });
    assert.deepEqual(await findCredentials('helped.test', { env }), {
      username: 'helper-user',
      password: 'helper-secret',
      source: 'credential helper docker-credential-pare-test',
    });
    assert.equal((await findCredentials('token.test', { env }))?.identityToken, 'rt');
    assert.equal(
      (await findCredentials('fallback.test', { env }))?.username,
      'f',
      'credsStore without the host falls back to auths',
    );
    const broken = await dockerConfig('c3', { credHelpers: { 'x.test': 'missing-helper' } });
    await assert.rejects(
      findCredentials('x.test', { env: bare({ DOCKER_CONFIG: broken }) }),
      (e) => hasCode(e, 'REGISTRY_AUTH') && /docker-credential-missing-helper/.test(e.message),
    );
  });
});

for (const kind of ['htpasswd', 'token'] as const) {
  describe(`registry with ${kind} auth`, () => {
    let reg: Registry;
    before(async () => {
      reg = await startRegistry({ auth: kind });
    });
    after(async () => reg?.close());

    it('without credentials: REGISTRY_AUTH naming registry and repository, with a credentials hint', async () => {
      const img = await randomImage(`${kind}-anon`, [1000]);
      await assert.rejects(
        pushImage(`${reg.host}/secure/app:v1`, img, { insecure: true, auth: { env: bare() }, ...fast }),
        (e) => {
          assert.ok(hasCode(e, 'REGISTRY_AUTH'), String(e));
          assert.match(e.message, new RegExp(`${reg.host}/secure/app`));
          assert.match(e.hint ?? '', /PARE_REGISTRY_USER/);
          return true;
        },
      );
    });

    it('wrong password: REGISTRY_AUTH', async () => {
      const img = await randomImage(`${kind}-wrong`, [1000]);
      const env = bare({ PARE_REGISTRY_USER: USER, PARE_REGISTRY_PASSWORD: 'wrong' });
      await assert.rejects(
        pushImage(`${reg.host}/secure/app:v1`, img, { insecure: true, auth: { env }, ...fast }),
        (e) => hasCode(e, 'REGISTRY_AUTH'),
      );
    });

    it('pushes with env credentials, and with a Docker config; skopeo reads it back with the same credentials', async () => {
      const img = await randomImage(`${kind}-ok`, [50_000]);
      const res = await pushImage(`${reg.host}/secure/app:v1`, img, {
        insecure: true,
        auth: { env: bare(envCreds) },
        ...fast,
      });
      assert.equal(res.digest, img.digest);
      const auth = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
      const dir = await dockerConfig(`cfg-${kind}`, { auths: { [reg.host]: { auth } } });
      const m = await getManifest(`${reg.host}/secure/app:v1`, {
        insecure: true,
        auth: { env: bare({ DOCKER_CONFIG: dir }) },
      });
      assert.equal(m.digest, img.digest);
      const info = JSON.parse(
        await skopeo([
          'inspect',
          '--tls-verify=false',
          `--creds=${USER}:${PASSWORD}`,
          `docker://${reg.host}/secure/app:v1`,
        ]),
      ) as { Digest: string };
      assert.equal(info.Digest, img.digest);
    });

    if (kind === 'token') {
      it('asks the token server for repository:NAME:pull,push with the service, and for the mount source', async () => {
        const img = await randomImage('token-mount', [2000]);
        const client = new RegistryClient({ insecure: true, auth: { env: bare(envCreds) }, ...fast });
        const first = reg.token!.requests.length;
        await client.pushImage(`${reg.host}/src/app:v1`, img);
        const res = await client.pushImage(`${reg.host}/dst/app:v1`, img);
        assert.deepEqual(Object.values(res.blobs), ['mounted', 'mounted']);
        const reqs = reg.token!.requests.slice(first);
        assert.equal(reqs.length, 3, `one token per scope set, shared by concurrent requests: ${JSON.stringify(reqs)}`);
        assert.ok(reqs.every((r) => r.service === 'pare-test-registry'));
        assert.ok(
          reqs.some((r) => r.scopes.includes('repository:src/app:pull,push')),
          JSON.stringify(reqs),
        );
        assert.ok(
          reqs.some(
            (r) => r.scopes.includes('repository:dst/app:pull,push') && r.scopes.includes('repository:src/app:pull'),
          ),
          JSON.stringify(reqs),
        );
      });
    }
  });
}
