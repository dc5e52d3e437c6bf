/**
 * `pare report IMAGE [-o FILE] [--compare IMAGE2] [--key cosign.pub]
 * [--format html|json]`: what is in an image, why, what it weighs, what was
 * signed and what `pare check` says, as one self-contained HTML page (or the
 * JSON it draws). IMAGE and IMAGE2 are OCI layouts, docker-archives or
 * registry references, as for `pare diff`. Writes FILE atomically (nothing
 * is left behind when the image cannot be read), else stdout.
 */
import { UsageError } from '../errors.js';
import { renderHtml, reportDocument } from '../report/index.js';
import { readKeyFile } from '../supply/sign/key-file.js';
import { parsePublicKey } from '../supply/sign/keys.js';
import { humanBytes } from '../fetch/index.js';
import { baseRegistryFrom, baseRegistryOptions, cacheFrom, writeOutputFile } from './common.js';
import { EXIT } from './io.js';
import { command } from './command.js';

const USAGE =
  'pare report IMAGE [-o report.html] [--compare IMAGE2] [--key cosign.pub] [--format html|json]   (IMAGE: DIR[:TAG], oci:DIR[:TAG], docker-archive:FILE, HOST/REPO[:TAG][@DIGEST])';

export const reportCommand = command({
  name: 'report',
  summary:
    'Write a self-contained HTML report of an image: size treemap, why each package is there, layers, supply chain, checks; --compare for two',
  usage: USAGE,
  options: {
    output: { type: 'string', short: 'o', description: 'Write to FILE (atomically) instead of stdout' },
    compare: { type: 'string', description: 'A second image to compare with, side by side' },
    key: { type: 'string', description: 'Public key (PEM, e.g. cosign.pub) to verify signatures and attestations' },
    format: { type: 'string', short: 'f', description: 'html (default) or json (the data the page draws)' },
    arch: { type: 'string', description: "Platform to report in multi-arch images (default: this host's)" },
    'cache-dir': { type: 'string', description: 'Cache for images pulled from registries (default as for build)' },
    ...baseRegistryOptions,
  },
  async run({ values, positionals }, io) {
    if (positionals.length !== 1)
      throw new UsageError('USAGE', `expected one image, got ${positionals.length}`, { hint: USAGE });
    const format = (values.format ?? 'html').toLowerCase();
    if (format !== 'html' && format !== 'json')
      throw new UsageError('USAGE', `unknown --format ${JSON.stringify(values.format)}`, {
        hint: 'use --format html or --format json',
      });
    let publicKeyPem: string | undefined;
    if (values.key !== undefined) {
      publicKeyPem = await readKeyFile(values.key);
      parsePublicKey(publicKeyPem, values.key); // names the file in a KEY_READ error
    }
    const doc = await reportDocument(positionals[0]!, {
      cache: cacheFrom(values, io),
      registry: baseRegistryFrom(values, io),
      ...(values.arch ? { arch: values.arch } : {}),
      ...(values.compare !== undefined ? { compare: values.compare } : {}),
      ...(publicKeyPem !== undefined ? { publicKeyPem } : {}),
    });
    const text = format === 'json' ? JSON.stringify(doc, null, 1) + '\n' : renderHtml(doc);
    if (values.output === undefined) io.stdout.write(text);
    else {
      await writeOutputFile(values.output, text);
      io.stderr.write(
        `report of ${doc.image.source} (${doc.image.totals.packages} packages, ${humanBytes(doc.image.totals.bytes)}) → ${values.output} (${humanBytes(Buffer.byteLength(text))})\n`,
      );
    }
    return EXIT.OK;
  },
});
