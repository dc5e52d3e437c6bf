/**
 * `pare trace CONFIG [-o FILE] [--append] [--probe CMD] [--timeout S] [-- COMMAND ARGS...]`:
 * run the image's command (or COMMAND) under runc with a host-side tracer
 * and write the sorted set of image paths it used, the file `minimize.keep`
 * reads. The container's output goes to stderr; the trace file to FILE
 * (atomically) or stdout. Exits 1 when the command fails, so a broken trace is
 * not mistaken for a good one.
 */
import { readFile } from 'node:fs/promises';
import { loadConfig } from '../config/index.js';
import { TraceError, UsageError } from '../errors.js';
import { formatTrace, parseTrace } from '../tree/trace-file.js';
import { traceImage } from '../trace/run.js';
import { cacheFrom, progressFrom, sourceOptions, writeOutputFile } from './common.js';
import { command } from './command.js';
import { EXIT } from './io.js';

export const traceCommand = command({
  name: 'trace',
  summary: 'Run the image under runc and strace and write the paths its program used (for minimize.keep)',
  usage: 'pare trace CONFIG [-o FILE] [--append] [--probe CMD] [--timeout SECONDS] [-- COMMAND ARGS...]',
  options: {
    output: { type: 'string', short: 'o', description: 'Write the trace file here (default: stdout)' },
    append: { type: 'boolean', description: 'Merge with the paths already in the -o file (several runs)' },
    probe: {
      type: 'string',
      description: 'A host command (sh -c) run while the program serves; the trace stops when it returns',
    },
    timeout: { type: 'string', description: 'Stop the program after this many seconds (default 60)' },
    ...sourceOptions,
  },
  async run({ values, positionals }, io) {
    const [file, ...argv] = positionals;
    if (file === undefined)
      throw new UsageError('USAGE', 'expected a config file', { hint: 'pare trace pare.yaml -o app.trace' });
    const out = values.output;
    if (values.append && out === undefined)
      throw new UsageError('USAGE', '--append needs -o FILE', { hint: 'pare trace pare.yaml -o app.trace --append' });
    const timeout = values.timeout === undefined ? 60 : Number(values.timeout);
    if (!Number.isFinite(timeout) || timeout <= 0)
      throw new UsageError('USAGE', `--timeout ${String(values.timeout)} is not a positive number of seconds`);
    let previous: string[] = [];
    if (values.append) {
      const text = await readFile(out!, 'utf8').catch(() => undefined);
      if (text !== undefined) {
        const parsed = parseTrace(text);
        if (!parsed)
          throw new UsageError('USAGE', `${out!} is not a pare trace file; --append would overwrite it`, {
            hint: 'name a file `pare trace` wrote, or drop --append',
          });
        previous = parsed;
      }
    }
    const config = await loadConfig(file);
    const progress = progressFrom(values, io);
    const r = await traceImage(config, {
      cache: cacheFrom(values, io),
      offline: values.offline,
      allowRollback: values['allow-rollback'] === true,
      env: io.env,
      progress,
      ...(argv.length ? { argv } : {}),
      ...(values.probe !== undefined ? { probe: values.probe } : {}),
      timeoutMs: timeout * 1000,
      output: (c) => io.stderr.write(c),
    });
    progress.end();
    if (r.probeCode !== undefined && r.probeCode !== 0)
      throw new TraceError('TRACE_FAILED', `the probe exited with status ${r.probeCode}; no trace written`, {
        hint: 'a probe should retry until the server answers (e.g. curl --retry 10 --retry-connrefused)',
      });
    if (r.stopped === undefined && r.code !== 0)
      throw new TraceError(
        'TRACE_FAILED',
        `the traced command exited with status ${r.code ?? 'unknown'}; no trace written`,
        {
          hint: 'its output is above; a trace of a failing run would keep the wrong files',
        },
      );
    if (r.stopped === 'timeout' && values.probe === undefined)
      io.stderr.write(`pare trace: stopped the command after ${timeout} s (--timeout)\n`);
    const text = formatTrace([...previous, ...r.paths]);
    if (out === undefined) io.stdout.write(text);
    else await writeOutputFile(out, text);
    io.stderr.write(`pare trace: ${text.split('\n').length - 2} paths${out ? ` → ${out}` : ''}\n`);
    return EXIT.OK;
  },
});
