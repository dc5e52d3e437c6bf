import { configSpec, toJsonSchema } from '../config/index.js';
import { EXIT } from './io.js';
import { command } from './command.js';

export const schemaCommand = command({
  name: 'schema',
  summary: 'Print the JSON Schema of pare.yaml (for editors and CI validation)',
  usage: 'pare schema',
  options: {},
  async run(_args, io) {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      title: 'pare image definition',
      ...toJsonSchema(configSpec),
    };
    io.stdout.write(JSON.stringify(schema, null, 2) + '\n');
    return EXIT.OK;
  },
});
