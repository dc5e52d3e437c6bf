/**
 * pare and the real cosign (v2 and v3), both ways, with no transparency log:
 * - cosign verifies what pare made: `cosign verify --key` with a `pare keygen`
 *   key on the image pare pushed to docker-registry and, offline, with
 *   --local-image on pare's layout; `cosign verify-attestation` for the SPDX,
 *   CycloneDX and SLSA provenance v1 attestations of `pare build --sign-key`;
 *   a different key fails.
 * - pare verifies what cosign made: a `cosign generate-key-pair` key, `cosign
 *   sign` and `cosign attest` on a pare-pushed image, brought back as an OCI
 *   layout by `cosign save`; `pare verify` and `pare verify-attestation` accept them.
 */
import assert from 'node:assert/strict';
import { cp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pare } from '../helpers/cli.js';
import { runTool, tool, type GoTool } from '../helpers/go-tools.js';
import { PASSWORD_ENV, signedFixture, type SignedFixture } from '../helpers/signed-image.js';
import { tempDirs } from '../helpers/tmp.js';

const tempDir = tempDirs('pare-cosign-');
let fx: SignedFixture;
let tmp: string;
before(async () => {
  tmp = await tempDir();
  fx = await signedFixture(tmp);
});
after(() => fx?.close());

/** Flags every cosign call here needs: no transparency log, a plain-http registry on 127.0.0.1. */
const OFFLINE = ['--insecure-ignore-tlog=true', '--allow-http-registry'];
const NO_TLOG_UPLOAD = ['--tlog-upload=false', '--yes', '--allow-http-registry'];
/** cosign v3 signs with the public instance's signing config unless told not to. */
const noTlogUpload = (bin: GoTool) =>
  bin === 'cosign3' ? [...NO_TLOG_UPLOAD, '--use-signing-config=false'] : NO_TLOG_UPLOAD;

type Payload = { critical: { image: { 'docker-manifest-digest': string }; type: string } };
type AttestationOut = { payloadType: string; payload: string };

function digestsIn(stdout: string): string[] {
  return (JSON.parse(stdout) as Payload[]).map((p) => p.critical.image['docker-manifest-digest']);
}

/** The predicate types in `cosign verify-attestation`'s output (one DSSE envelope per line). */
function predicateTypes(stdout: string, digest: string): string[] {
  return stdout
    .trim()
    .split('\n')
    .map((l) => {
      const env = JSON.parse(l) as AttestationOut;
      const st = JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8')) as {
        predicateType: string;
        subject: { digest: { sha256: string } }[];
      };
      assert.equal(`sha256:${st.subject[0]!.digest.sha256}`, digest);
      return st.predicateType;
    });
}

const TYPES = [
  { cosign: 'spdxjson', uri: 'https://spdx.dev/Document', pare: 'spdx' },
  { cosign: 'cyclonedx', uri: 'https://cyclonedx.org/bom', pare: 'cyclonedx' },
  { cosign: 'slsaprovenance1', uri: 'https://slsa.dev/provenance/v1', pare: 'slsaprovenance1' },
];

for (const bin of ['cosign', 'cosign3'] as GoTool[]) {
  describe(bin, () => {
    it('verify --key (pare keygen) accepts the image pare pushed, and --local-image the layout pare signed', async () => {
      const remote = await runTool(bin, ['verify', '--key', fx.pub, ...OFFLINE, fx.pushed]);
      assert.equal(remote.code, 0, remote.stderr);
      assert.deepEqual(digestsIn(remote.stdout), [fx.digest]);
      const local = await runTool(bin, ['verify', '--key', fx.pub, ...OFFLINE, '--local-image', fx.layout]);
      assert.equal(local.code, 0, local.stderr);
      assert.deepEqual(digestsIn(local.stdout), [fx.digest]);
    });

    it('verify-attestation accepts the SPDX, CycloneDX and SLSA provenance v1 attestations (registry and layout)', async () => {
      for (const t of TYPES) {
        for (const where of [[fx.pushed], ['--local-image', fx.layout]]) {
          const r = await runTool(bin, [
            'verify-attestation',
            '--key',
            fx.pub,
            ...OFFLINE,
            '--type',
            t.cosign,
            ...where,
          ]);
          assert.equal(r.code, 0, `${t.cosign} ${where.join(' ')}: ${r.stderr}`);
          assert.deepEqual(predicateTypes(r.stdout, fx.digest), [t.uri]);
        }
      }
    });

    it('a key pare did not sign with fails, and an unsigned image has nothing to verify', async () => {
      const other = path.join(tmp, `${bin}-other`);
      await tool(bin, ['generate-key-pair', '--output-key-prefix', other], { env: PASSWORD_ENV });
      const wrong = await runTool(bin, ['verify', '--key', `${other}.pub`, ...OFFLINE, fx.pushed]);
      assert.notEqual(wrong.code, 0, wrong.stdout);
      const none = await runTool(bin, ['verify', '--key', fx.pub, ...OFFLINE, fx.unsigned]);
      assert.notEqual(none.code, 0, none.stdout);
    });

    it('pare verify and verify-attestation accept cosign generate-key-pair, sign and attest (cosign save layout)', async () => {
      const keys = path.join(tmp, `${bin}-keys`);
      await tool(bin, ['generate-key-pair', '--output-key-prefix', keys], { env: PASSWORD_ENV });
      const pushed = await pare([
        'push',
        `${fx.unsignedLayout}:latest`,
        `${fx.reg.host}/from-${bin}/hello:1.0`,
        '--insecure',
        '-q',
      ]);
      assert.equal(pushed.code, 0, pushed.stderr);
      const ref = pushed.stdout.trim().replace(/:1\.0@/, '@');
      await tool(bin, ['sign', '--key', `${keys}.key`, ...noTlogUpload(bin), ref], { env: PASSWORD_ENV });
      const predicate = path.join(tmp, `${bin}-provenance.json`);
      await writeFile(
        predicate,
        JSON.stringify({
          buildDefinition: { buildType: 'https://example.invalid/cosign-test', externalParameters: {} },
          runDetails: { builder: { id: 'https://example.invalid/builder' } },
        }),
      );
      await tool(
        bin,
        [
          'attest',
          '--key',
          `${keys}.key`,
          '--predicate',
          predicate,
          '--type',
          'slsaprovenance1',
          ...noTlogUpload(bin),
          ref,
        ],
        { env: PASSWORD_ENV },
      );
      // cosign accepts its own work (the control), then pare does.
      await tool(bin, ['verify', '--key', `${keys}.pub`, ...OFFLINE, ref]);
      const saved = path.join(tmp, `${bin}-saved`);
      await tool(bin, ['save', '--dir', saved, '--allow-http-registry', ref]);
      const v = await pare(['verify', saved, '--key', `${keys}.pub`]);
      assert.equal(v.code, 0, v.stderr);
      assert.match(v.stderr, new RegExp(`Verification for ${fx.digest}`));
      const a = await pare(['verify-attestation', saved, '--key', `${keys}.pub`, '--type', 'slsaprovenance1']);
      assert.equal(a.code, 0, a.stderr);
      assert.match(a.stderr, /1 attestation\(s\) verified .*https:\/\/slsa\.dev\/provenance\/v1/);
      // pare's key is not cosign's: pare refuses.
      const wrong = await pare(['verify', saved, '--key', fx.pub]);
      assert.equal(wrong.code, 1, wrong.stderr);
      // cosign v2 writes the .sig tag; v3 a Sigstore bundle referrer and no tag, so pare verified a bundle.
      const tags = await tool('crane', ['ls', '--insecure', ref.replace(/@.*$/, '')]);
      assert.equal(tags.includes(`sha256-${fx.digest.slice(7)}.sig`), bin === 'cosign', tags);
    });

    if (bin === 'cosign3') {
      it('cosign v3 verifies a Sigstore bundle written by `pare sign --bundle`, in the layout and pushed', async () => {
        const dir = path.join(tmp, 'bundle-signed');
        await cp(fx.unsignedLayout, dir, { recursive: true });
        const s = await pare(['sign', `${dir}:latest`, '--key', fx.key, '--bundle'], { env: PASSWORD_ENV });
        assert.equal(s.code, 0, s.stderr);
        const local = await runTool(bin, ['verify', '--key', fx.pub, ...OFFLINE, '--local-image', dir]);
        assert.equal(local.code, 0, local.stderr);
        const p = await pare(['push', `${dir}:latest`, `${fx.reg.host}/bundle/hello:1.0`, '--insecure', '-q']);
        assert.equal(p.code, 0, p.stderr);
        const ref = p.stdout.trim().replace(/:1\.0@/, '@');
        const remote = await runTool(bin, ['verify', '--key', fx.pub, ...OFFLINE, ref]);
        assert.equal(remote.code, 0, remote.stderr);
        const other = await runTool(bin, ['verify', '--key', `${path.join(tmp, `${bin}-keys`)}.pub`, ...OFFLINE, ref]);
        assert.notEqual(other.code, 0, 'a key the bundle was not signed with fails');
      });
    }
  });
}
