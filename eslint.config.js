// eslint: typescript-eslint's type-checked recommended rules over src, test and
// bench; zero warnings allowed (`npm run lint`, part of `npm test`).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.stryker-tmp/**',
      'reports/**',
      'bin/**',
      'scripts/**',
      'examples/**',
      'eslint.config.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test runs these itself; awaiting them at top level is not the idiom.
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // Rethrowing what a catch or a worker caught is fine; it is not ours to wrap.
      '@typescript-eslint/only-throw-error': ['error', { allowThrowingUnknown: true }],
      // An async function may satisfy an async contract (Layer.open, Command.run) without awaiting.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Tests pick apart parsed JSON (manifests, SBOMs, registry replies) to assert
    // on it; typing every such probe adds noise, not safety.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      // Assertion messages interpolate whatever they got.
      '@typescript-eslint/restrict-template-expressions': 'off',
      // Fixture servers take async request handlers; a failure there fails the test that made the request.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
    },
  },
);
