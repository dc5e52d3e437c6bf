/**
 * The pare command line: one file per command, each calling one library
 * function. User errors print without a stack trace and exit 1; internal
 * errors print the stack and exit 70.
 */
import { parseArgs } from 'node:util';
import { isPareError, UsageError } from '../errors.js';
import type { Command } from './command.js';
import { EXIT, type CliIO } from './io.js';
import { VERSION } from '../version.js';

/**
 * Commands load on demand: `pare build` does not pay for the registry client,
 * the signing code or the checker (module loading is a visible part of a
 * warm build's time).
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  build: async () => (await import('./build.js')).buildCommand,
  lock: async () => (await import('./lock.js')).lockCommand,
  outdated: async () => (await import('./outdated.js')).outdatedCommand,
  resolve: async () => (await import('./resolve.js')).resolveCommand,
  diff: async () => (await import('./diff.js')).diffCommand,
  report: async () => (await import('./report.js')).reportCommand,
  check: async () => (await import('./check.js')).checkCommand,
  push: async () => (await import('./push.js')).pushCommand,
  publish: async () => (await import('./publish.js')).publishCommand,
  keygen: async () => (await import('./keygen.js')).keygenCommand,
  sign: async () => (await import('./sign.js')).signCommand,
  verify: async () => (await import('./verify.js')).verifyCommand,
  'verify-attestation': async () => (await import('./verify-attestation.js')).verifyAttestationCommand,
  sbom: async () => (await import('./sbom.js')).sbomCommand,
  schema: async () => (await import('./schema.js')).schemaCommand,
  trace: async () => (await import('./trace.js')).traceCommand,
};

async function allCommands(): Promise<Command[]> {
  return Promise.all(Object.values(COMMANDS).map((load) => load()));
}

async function help(): Promise<string> {
  const commands = await allCommands();
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `pare ${VERSION}: build distroless OCI images from Debian packages`,
    '',
    'Usage: pare <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run `pare <command> --help` for a command's options.",
    '',
  ].join('\n');
}

function commandHelp(c: Command): string {
  const opts = Object.entries(c.options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ' VALUE' : ''}`;
    return `  ${flag.padEnd(28)} ${o.description}`;
  });
  return [
    `Usage: ${c.usage}`,
    '',
    c.summary,
    '',
    'Options:',
    ...opts,
    `  ${'-h, --help'.padEnd(28)} Show this help`,
    '',
  ].join('\n');
}

export function printError(e: unknown, io: CliIO): number {
  if (isPareError(e)) {
    io.stderr.write(`pare: error[${e.code}]: ${e.message}\n`);
    if (e.hint) io.stderr.write(`  hint: ${e.hint}\n`);
    return e instanceof UsageError ? EXIT.USAGE : EXIT.USER;
  }
  io.stderr.write(`pare: internal error (a bug in pare; please report it):\n${(e as Error)?.stack ?? String(e)}\n`);
  return EXIT.INTERNAL;
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(await help());
    return name ? EXIT.OK : EXIT.USAGE;
  }
  if (name === '--version' || name === 'version') {
    io.stdout.write(`pare ${VERSION}\n`);
    return EXIT.OK;
  }
  const cmd = Object.hasOwn(COMMANDS, name) ? await COMMANDS[name]!() : undefined;
  if (!cmd) {
    io.stderr.write(`pare: unknown command "${name}"\n\n${await help()}`);
    return EXIT.USAGE;
  }
  let parsed;
  try {
    const options = Object.fromEntries(
      Object.entries(cmd.options).map(([k, v]) => [
        k,
        { type: v.type, ...(v.short ? { short: v.short } : {}), ...(v.multiple ? { multiple: true } : {}) },
      ]),
    );
    parsed = parseArgs({
      args: rest,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    io.stderr.write(`pare ${name}: ${(e as Error).message}\n\n${commandHelp(cmd)}`);
    return EXIT.USAGE;
  }
  if (parsed.values.help) {
    io.stdout.write(commandHelp(cmd));
    return EXIT.OK;
  }
  try {
    return await cmd.run(parsed, io);
  } catch (e) {
    return printError(e, io);
  }
}
