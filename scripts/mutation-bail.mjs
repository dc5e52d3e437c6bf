// A node:test reporter for scripts/mutation-tests.mjs: prints each failing
// test and ends the process with exit code 1 at the first failure.
export default async function* bail(source) {
  let passed = 0;
  for await (const event of source) {
    if (event.type === 'test:pass') passed++;
    if (event.type === 'test:fail') {
      const err = event.data.details?.error;
      yield `not ok ${event.data.name} (${event.data.file ?? ''}) after ${passed} passing: ${String(err?.cause ?? err).slice(0, 300)}\n`;
      process.exit(1);
    }
  }
  yield `ok: ${passed} passing\n`;
}
