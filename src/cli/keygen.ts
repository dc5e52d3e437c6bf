import { lstat } from 'node:fs/promises';
import { OutputError, UsageError } from '../errors.js';
import { generateKeyPair, passwordFromEnv } from '../supply/sign/keys.js';
import { writeFileAtomic } from '../util/atomic.js';
import { EXIT } from './io.js';
import { command } from './command.js';

export const keygenCommand = command({
  name: 'keygen',
  summary:
    'Write a cosign-compatible key pair (PREFIX.key encrypted with $PARE_PASSWORD or $COSIGN_PASSWORD, PREFIX.pub)',
  usage: 'pare keygen [--output-key-prefix cosign] [--force]',
  options: {
    'output-key-prefix': { type: 'string', description: 'Write PREFIX.key and PREFIX.pub (default: cosign)' },
    force: { type: 'boolean', description: 'Replace existing key files' },
  },
  async run({ values, positionals }, io) {
    if (positionals.length !== 0)
      throw new UsageError('USAGE', `unexpected argument ${positionals[0]}`, {
        hint: 'pare keygen --output-key-prefix NAME',
      });
    const prefix = values['output-key-prefix'] ?? 'cosign';
    const password = passwordFromEnv(io.env);
    const keyFile = `${prefix}.key`;
    const pubFile = `${prefix}.pub`;
    if (!values.force) for (const f of [keyFile, pubFile]) await refuseExisting(f);
    const pair = await generateKeyPair(password);
    await writeAtomic(keyFile, pair.privateKeyPem, 0o600);
    await writeAtomic(pubFile, pair.publicKeyPem, 0o644);
    io.stderr.write(`Private key written to ${keyFile}\nPublic key written to ${pubFile}\n`);
    return EXIT.OK;
  },
});

async function refuseExisting(file: string): Promise<void> {
  const there = await lstat(file).then(
    () => true,
    () => false,
  );
  if (there) {
    throw new OutputError('OUTPUT_EXISTS', `${file} exists`, {
      hint: 'choose another --output-key-prefix, or pass --force to replace the key pair',
    });
  }
}

async function writeAtomic(file: string, text: string, mode: number): Promise<void> {
  try {
    await writeFileAtomic(file, text, { mode });
  } catch (e) {
    throw new OutputError('OUTPUT_WRITE', `cannot write ${file}: ${(e as Error).message}`, {
      cause: e,
      hint: 'check that the directory is writable',
    });
  }
}
