// Bundle the CLI into one file, dist/cli/pare.js, for a fast start: one module
// to load instead of a hundred. Commands stay lazily evaluated (esbuild keeps
// each dynamic import() as a wrapper that runs on first use). The native xz
// binding stays external. bin/pare.js loads the bundle when it exists.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/cli/pare.js',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['@napi-rs/lzma', '@napi-rs/lzma/*'],
  banner: {
    js: "import { createRequire as __pareRequire } from 'node:module';\nconst require = __pareRequire(import.meta.url);",
  },
  legalComments: 'none',
  logLevel: 'warning',
});
