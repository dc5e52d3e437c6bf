import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { parseConfig } from './parse.js';
import type { Config } from './types.js';

/** Read and parse a pare.yaml file. */
export async function loadConfig(file: string): Promise<Config> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new ConfigError(
      'CONFIG_READ',
      `cannot read config ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`,
      {
        hint: 'pass the path of an image definition, e.g. `pare build examples/base.yaml`',
        cause: e,
      },
    );
  }
  return parseConfig(text, file, dirname(resolve(file)));
}
