import { verifyImage } from '../supply/sign/image.js';
import { parsePublicKey } from '../supply/sign/keys.js';
import { EXIT } from './io.js';
import { command } from './command.js';
import { imageArg, keyArg } from './common.js';

const USAGE = 'pare verify DIR[:TAG] --key cosign.pub';

export const verifyCommand = command({
  name: 'verify',
  summary: 'Verify the signatures of an image in an OCI layout with a public key; prints the verified payloads',
  usage: USAGE,
  options: {
    key: { type: 'string', description: 'Public key (PEM), e.g. cosign.pub' },
  },
  async run({ values, positionals }, io) {
    const ref = await imageArg(positionals, USAGE);
    const key = await keyArg(values.key, USAGE);
    parsePublicKey(key.text, key.file); // names the file in a KEY_READ error
    const verified = await verifyImage(ref, key.text);
    io.stderr.write(
      `Verification for ${verified[0]!.digest} --\nThe cosign claims were validated; ${verified.length} signature(s) verified against ${key.file}\n`,
    );
    for (const v of verified) io.stdout.write(`${v.payload.toString('utf8')}\n`);
    return EXIT.OK;
  },
});
