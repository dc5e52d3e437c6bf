import { UsageError } from '../errors.js';
import { isKnownPredicateAlias } from '../supply/attest/predicate-types.js';
import { serializeEnvelope } from '../supply/attest/dsse.js';
import { verifyAttestations } from '../supply/attest/attest.js';
import { parsePublicKey } from '../supply/sign/keys.js';
import { EXIT } from './io.js';
import { command } from './command.js';
import { imageArg, keyArg } from './common.js';

const USAGE = 'pare verify-attestation DIR[:TAG] --key cosign.pub [--type slsaprovenance|spdx|cyclonedx|URI]';

export const verifyAttestationCommand = command({
  name: 'verify-attestation',
  summary:
    'Verify the in-toto attestations of an image in an OCI layout (signature and subject digest); prints the envelopes',
  usage: USAGE,
  options: {
    key: { type: 'string', description: 'Public key (PEM), e.g. cosign.pub' },
    type: {
      type: 'string',
      description: 'Predicate type: slsaprovenance, slsaprovenance1, spdx, cyclonedx, or a URI (default: all)',
    },
  },
  async run({ values, positionals }, io) {
    const ref = await imageArg(positionals, USAGE);
    const key = await keyArg(values.key, USAGE);
    parsePublicKey(key.text, key.file); // names the file in a KEY_READ error
    const type = values.type;
    if (type !== undefined && !isKnownPredicateAlias(type)) {
      throw new UsageError('USAGE', `unknown --type ${JSON.stringify(type)}`, {
        hint: 'use slsaprovenance, slsaprovenance1, spdx, cyclonedx, or a predicate type URI',
      });
    }
    const verified = await verifyAttestations(ref, key.text, { type });
    const types = [...new Set(verified.map((v) => v.statement.predicateType))].join(', ');
    io.stderr.write(
      `Verification for ${verified[0]!.digest} --\n${verified.length} attestation(s) verified against ${key.file} (${types})\n`,
    );
    for (const v of verified) io.stdout.write(`${serializeEnvelope(v.envelope).toString('utf8')}\n`);
    return EXIT.OK;
  },
});
