import { UsageError } from '../errors.js';
import { loadSigner, passwordFromEnv } from '../supply/sign/keys.js';
import { imageArg, keyArg } from './common.js';
import { signImage, signImageBundle } from '../supply/sign/image.js';
import { EXIT } from './io.js';
import { command } from './command.js';

const USAGE = 'pare sign DIR[:TAG] --key cosign.key [--identity REPO] [-a KEY=VALUE]... [--bundle]';

export const signCommand = command({
  name: 'sign',
  summary: 'Sign an image in an OCI layout with a cosign key (stored as a referrer and as the sha256-<hex>.sig tag)',
  usage: USAGE,
  options: {
    key: {
      type: 'string',
      description:
        'Encrypted private key (from `pare keygen` or `cosign generate-key-pair`); password from $PARE_PASSWORD or $COSIGN_PASSWORD',
    },
    identity: {
      type: 'string',
      description:
        "docker-reference the signature claims (default: the tag's repository, else the layout directory name)",
    },
    annotations: {
      type: 'string',
      short: 'a',
      multiple: true,
      description: "KEY=VALUE signed into the payload's optional section",
    },
    bundle: {
      type: 'boolean',
      description: "Also store the signature as a Sigstore bundle referrer, cosign v3's default format",
    },
  },
  async run({ values, positionals }, io) {
    const ref = await imageArg(positionals, USAGE);
    const key = await keyArg(values.key, USAGE);
    const signer = await loadSigner(key.text, passwordFromEnv(io.env), key.file);
    const annotations = parseAnnotations(values.annotations ?? []);
    const r = await signImage(ref, signer, { identity: values.identity, annotations });
    io.stderr.write(
      `signed ${r.digest} as ${r.identity}; signature stored as referrer ${r.referrer} and tag ${r.tag}\n`,
    );
    if (values.bundle === true) {
      const b = await signImageBundle(ref, signer, { annotations });
      io.stderr.write(`  and as a Sigstore bundle, referrer ${b.referrer}\n`);
    }
    io.stdout.write(`${r.digest}\n`);
    return EXIT.OK;
  },
});

function parseAnnotations(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of list) {
    const i = a.indexOf('=');
    if (i <= 0) throw new UsageError('USAGE', `annotation ${JSON.stringify(a)} is not KEY=VALUE`, { hint: USAGE });
    out[a.slice(0, i)] = a.slice(i + 1);
  }
  return out;
}
