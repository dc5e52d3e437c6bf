import { stat } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { parseReference, pushLayout } from '../oci/registry/index.js';
import { progressFrom } from './common.js';
import { EXIT } from './io.js';
import { command } from './command.js';

export const pushCommand = command({
  name: 'push',
  summary: 'Push an OCI image layout to a registry; prints REF@sha256:... on stdout',
  usage: 'pare push DIR[:TAG] HOST[:PORT]/REPOSITORY[:TAG] [--insecure]',
  options: {
    insecure: { type: 'boolean', description: 'Speak plain http to the registry (also needed for localhost)' },
    'mount-from': {
      type: 'string',
      multiple: true,
      description: 'Another repository on the same registry to mount shared blobs from',
    },
    quiet: { type: 'boolean', short: 'q', description: 'No progress display' },
  },
  async run({ values, positionals }, io) {
    if (positionals.length !== 2) {
      throw new UsageError(
        'USAGE',
        `expected a layout and a registry reference, got ${positionals.length} argument(s)`,
        {
          hint: 'pare push out:latest registry.local:5000/team/app:1.0 (add --insecure for a plain-http registry)',
        },
      );
    }
    const [dir, tag] = await splitLayoutArg(positionals[0]!);
    const ref = parseReference(positionals[1]!);
    if (ref.tag === undefined && ref.digest === undefined) ref.tag = tag ?? 'latest';
    const result = await pushLayout(dir, tag, ref, {
      insecure: values.insecure === true,
      mountFrom: values['mount-from'],
      auth: { env: io.env },
      progress: progressFrom(values, io),
    });
    const counts = Object.values(result.blobs).reduce<Record<string, number>>(
      (acc, r) => ((acc[r] = (acc[r] ?? 0) + 1), acc),
      {},
    );
    const summary =
      Object.entries(counts)
        .map(([k, n]) => `${n} ${k}`)
        .join(', ') || 'no blobs';
    io.stderr.write(`pushed ${result.reference} (blobs: ${summary})\n`);
    for (const a of result.attachments) io.stderr.write(`  attached ${a}\n`);
    io.stdout.write(`${result.reference}\n`);
    return EXIT.OK;
  },
});

/** `DIR` if it exists as given, else `DIR:TAG` split at the last colon. */
async function splitLayoutArg(arg: string): Promise<[string, string | undefined]> {
  const exists = await stat(arg).then(
    (s) => s.isDirectory(),
    () => false,
  );
  const colon = arg.lastIndexOf(':');
  if (exists || colon <= 0 || arg.slice(colon + 1).includes('/')) return [arg, undefined];
  return [arg.slice(0, colon), arg.slice(colon + 1)];
}
