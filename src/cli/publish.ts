import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { parseReference, pushLayout } from '../oci/registry/index.js';
import { buildCommand, runBuild } from './build.js';
import { EXIT } from './io.js';
import { command } from './command.js';

// publish writes its own temporary layout and signs with --key; its --insecure covers the base registry too.
const { output: _o, tarball: _t, 'sign-key': _k, insecure: _i, ...buildOptions } = buildCommand.options;

export const publishCommand = command({
  name: 'publish',
  summary: 'Build a pare.yaml and push it to a registry; with --key also sign it and attach SBOMs and provenance',
  usage: 'pare publish CONFIG HOST[:PORT]/REPOSITORY[:TAG] [--key cosign.key] [--insecure]',
  options: {
    key: {
      type: 'string',
      description: 'Sign with this cosign key and attach SPDX + CycloneDX SBOM and SLSA provenance attestations',
    },
    insecure: { type: 'boolean', description: 'Speak plain http to the registry (also needed for localhost)' },
    ...buildOptions,
  },
  async run({ values, positionals }, io) {
    if (positionals.length !== 2) {
      throw new UsageError(
        'USAGE',
        `expected a config file and a registry reference, got ${positionals.length} argument(s)`,
        {
          hint: 'pare publish pare.yaml registry.local:5000/team/app:1.0 --key cosign.key',
        },
      );
    }
    const ref = parseReference(positionals[1]!);
    const tag = ref.tag ?? values.tag ?? 'latest';
    const work = await mkdtemp(join(tmpdir(), 'pare-publish-'));
    try {
      const outDir = join(work, 'image');
      await runBuild(positionals[0]!, { ...values, output: outDir, tag, 'sign-key': values.key }, io);
      const pushed = await pushLayout(
        outDir,
        tag,
        { ...ref, tag: ref.digest ? undefined : tag },
        { insecure: values.insecure === true, auth: { env: io.env } },
      );
      io.stderr.write(`pushed ${pushed.reference}\n`);
      for (const a of pushed.attachments) io.stderr.write(`  attached ${a}\n`);
      io.stdout.write(`${pushed.reference}\n`);
      return EXIT.OK;
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  },
});
