import { readFile } from 'node:fs/promises';
import { SupplyError, UsageError } from '../errors.js';
import { parseLayoutRef, type LayoutRef } from '../oci/attachments.js';
import { loadSigner, passwordFromEnv } from '../supply/sign/keys.js';
import { signImage, signImageBundle } from '../supply/sign/image.js';
import { EXIT } from './io.js';
import type { Command } from './command.js';

const USAGE = 'pare sign DIR[:TAG] --key cosign.key [--identity REPO] [-a KEY=VALUE]... [--bundle]';

export const signCommand: Command = {
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
    const key = await readKeyFile(values, USAGE);
    const signer = await loadSigner(key.text, passwordFromEnv(io.env), key.file);
    const annotations = parseAnnotations((values.annotations as string[] | undefined) ?? []);
    const r = await signImage(ref, signer, { identity: values.identity as string | undefined, annotations });
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
};

function parseAnnotations(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of list) {
    const i = a.indexOf('=');
    if (i <= 0) throw new UsageError('USAGE', `annotation ${JSON.stringify(a)} is not KEY=VALUE`, { hint: USAGE });
    out[a.slice(0, i)] = a.slice(i + 1);
  }
  return out;
}

// ---- shared by sign, verify and verify-attestation ----

export async function imageArg(positionals: string[], usage: string): Promise<LayoutRef> {
  if (positionals.length !== 1)
    throw new UsageError('USAGE', `expected one image (an OCI layout DIR[:TAG]), got ${positionals.length}`, {
      hint: usage,
    });
  return parseLayoutRef(positionals[0]!);
}

export async function readKeyFile(
  values: Record<string, unknown>,
  usage: string,
): Promise<{ file: string; text: string }> {
  const file = values.key as string | undefined;
  if (!file) throw new UsageError('USAGE', '--key is required', { hint: usage });
  const text = await readFile(file, 'utf8').catch((e: unknown) => {
    throw new SupplyError('KEY_READ', `cannot read key ${file}: ${(e as Error).message}`, {
      cause: e,
      hint: 'create a key pair with `pare keygen`',
    });
  });
  return { file, text };
}
