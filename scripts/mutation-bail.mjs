// A node:test reporter for scripts/mutation-tests.mjs: prints the first
// failing test and ends the process with exit code 1 right there.
import { writeSync } from 'node:fs';

export default async function* bail(source) {
  let passed = 0;
  for await (const event of source) {
    if (event.type === 'test:pass') passed++;
    if (event.type === 'test:fail') {
      const err = event.data.details?.error;
      const why = String(err?.cause ?? err).slice(0, 300);
      writeSync(1, `not ok ${event.data.name} (${event.data.file ?? ''}) after ${passed} passing: ${why}\n`);
      process.exit(1);
    }
  }
  yield `ok: ${passed} passing\n`;
}
