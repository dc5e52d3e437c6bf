/** Pure parts: references, WWW-Authenticate challenges, scope merging, fallback tags. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { hasCode } from '../../../src/errors.js';
import { challengeScopes, mergeScopes, parseChallenges } from '../../../src/oci/registry/challenge.js';
import { fallbackTag, formatReference, manifestReference, parseReference } from '../../../src/oci/registry/index.js';

const D = `sha256:${'ab'.repeat(32)}`;

it('parses HOST[:PORT]/REPO[:TAG][@DIGEST]', () => {
  assert.deepEqual(parseReference('127.0.0.1:5000/app'), { registry: '127.0.0.1:5000', repository: 'app' });
  assert.deepEqual(parseReference('localhost/team/app:1.0'), {
    registry: 'localhost',
    repository: 'team/app',
    tag: '1.0',
  });
  assert.deepEqual(parseReference(`Reg.Example.test/a/b/c@${D}`), {
    registry: 'reg.example.test',
    repository: 'a/b/c',
    digest: D,
  });
  assert.deepEqual(parseReference(`h.test:443/x_y/z--w:v1@${D}`), {
    registry: 'h.test:443',
    repository: 'x_y/z--w',
    tag: 'v1',
    digest: D,
  });
  assert.deepEqual(parseReference('[::1]:5000/app:t'), { registry: '[::1]:5000', repository: 'app', tag: 't' });
  assert.equal(formatReference(parseReference(`h.test/app:v1@${D}`)), `h.test/app:v1@${D}`);
  assert.equal(manifestReference(parseReference('h.test/app')), 'latest');
  assert.equal(manifestReference(parseReference(`h.test/app:v1@${D}`)), D);
});

it('rejects references without a host, with bad names, tags or digests (USAGE)', () => {
  for (const bad of [
    'app',
    'app:1.0',
    'team/app',
    'h.test/',
    'h.test/App',
    'h.test/app:-x',
    'h.test/app@sha256:zz',
    'h.test/a//b',
    'h.test/app:' + 'x'.repeat(129),
  ]) {
    assert.throws(
      () => parseReference(bad),
      (e) => hasCode(e, 'USAGE'),
      bad,
    );
  }
});

it('parses challenges: several schemes, quoted values with commas and escapes', () => {
  const h =
    'Basic realm="reg", Bearer realm="https://auth.test/token?a=1",service="registry.test",scope="repository:a/b:pull,push repository:c:pull",error="insufficient_scope"';
  const cs = parseChallenges(h);
  assert.deepEqual(
    cs.map((c) => c.scheme),
    ['basic', 'bearer'],
  );
  assert.equal(cs[1]!.params.realm, 'https://auth.test/token?a=1');
  assert.equal(cs[1]!.params.service, 'registry.test');
  assert.deepEqual(challengeScopes(cs[1]!), ['repository:a/b:pull,push', 'repository:c:pull']);
  assert.deepEqual(parseChallenges('Basic realm="a \\"quoted\\" realm"')[0]!.params, { realm: 'a "quoted" realm' });
  assert.deepEqual(parseChallenges(null), []);
  assert.deepEqual(parseChallenges('BEARER Realm=token'), [{ scheme: 'bearer', params: { realm: 'token' } }]);
});

it('merges scopes per resource, sorted', () => {
  assert.deepEqual(mergeScopes(['repository:b:push', 'repository:a:pull', 'repository:b:pull', 'repository:b:push']), [
    'repository:a:pull',
    'repository:b:pull,push',
  ]);
});

it('fallback tag is sha256-HEX', () => {
  assert.equal(fallbackTag(D), `sha256-${'ab'.repeat(32)}`);
});
