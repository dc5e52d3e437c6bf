/**
 * What a command is: its name, help text, options, and a run function that
 * gets the parsed flags. Define one with `command({...})`: the option specs
 * type the values run() receives (a string option is a string, a boolean a
 * boolean, `multiple` an array; all optional), so no command casts a flag.
 */
import type { CliIO } from './io.js';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  readonly description: string;
}

export type Options = Readonly<Record<string, OptionSpec>>;

type ValueOf<S extends OptionSpec> = S['type'] extends 'boolean'
  ? S extends { multiple: true }
    ? boolean[]
    : boolean
  : S extends { multiple: true }
    ? string[]
    : string;

/** The parsed values of options `O`: each optional, typed by its spec. */
export type Values<O extends Options> = string extends keyof O
  ? Record<string, unknown> // options not known statically
  : { -readonly [K in keyof O]?: ValueOf<O[K]> };

export interface Command<O extends Options = Options> {
  name: string;
  summary: string;
  usage: string;
  options: O;
  run(args: { values: Values<O>; positionals: string[] }, io: CliIO): Promise<number>;
}

/** A command whose run() gets values typed by its options. */
export function command<const O extends Options>(c: Command<O>): Command<O> {
  return c;
}
