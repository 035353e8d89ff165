// Lint: typescript-eslint's recommended rules, Svelte's, and the import directions of
// ARCHITECTURE.md — for .ts and .svelte files alike — so a boundary crossing fails the build
// instead of waiting for review.
import svelte from 'eslint-plugin-svelte';
import tseslint from 'typescript-eslint';

const restrict = (message, ...groups) => ({ group: groups, message });

/** Outside the engine, it is reached through its public face only. */
const ENGINE_FACE = restrict('Import the engine through src/engine/index.js, its public face.', '**/engine/**', '!**/engine/index.js');

/** The same rule for each zone, whether the file is TypeScript or a Svelte component. */
const zone = (globs, ...patterns) => ({
  files: globs.flatMap((g) => [`${g}.ts`, `${g}.svelte`, `${g}.svelte.ts`]),
  rules: { 'no-restricted-imports': ['error', { patterns }] },
});

export default tseslint.config(
  { ignores: ['dist/**', 'dist-static/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'bench-results/**', 'demo-output/**'] },
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Data is rendered as text only; this keeps it so.
      'svelte/no-at-html-tags': 'error',
    },
  },
  zone(
    ['src/engine/**/*'],
    restrict('The engine is pure: it imports nothing outside src/engine.', '**/ui/**', '**/worker/**', '**/storage/**', '**/sim/**', '**/cli/**', '**/scenario/**'),
    restrict('The engine runs everywhere: no Node, DOM or UI libraries.', 'node:*', 'fs', 'path', 'svelte', 'svelte/*', 'idb-keyval', 'd3', 'd3-*'),
  ),
  zone(['src/storage/**/*'], restrict('Storage knows nothing of Redis, the simulator or the UI.', '**/engine/**', '**/ui/**', '**/sim/**', '**/worker/**', '**/cli/**')),
  zone(['src/scenario/**/*'], restrict('Scenarios are plain data: they depend on nothing but themselves.', '**/engine/**', '**/ui/**', '**/worker/**', '**/cli/**', '**/sim/**', '**/storage/**')),
  zone(['src/export/**/*'], restrict('An export is text made from a scenario: it depends on scenarios only.', '**/engine/**', '**/ui/**', '**/worker/**', '**/cli/**', '**/sim/**', '**/storage/**')),
  zone(['src/sim/**/*'], restrict('The simulator does not depend on the UI, the worker or the CLI.', '**/ui/**', '**/worker/**', '**/cli/**'), ENGINE_FACE),
  zone(['src/worker/**/*'], restrict('The worker does not import UI or CLI code.', '**/ui/**', '**/cli/**'), ENGINE_FACE),
  zone(['src/cli/**/*', 'scripts/**/*'], restrict('The CLI does not import UI or worker code.', '**/ui/**', '**/worker/**'), ENGINE_FACE),
  zone(
    ['src/ui/**/*'],
    restrict('The UI talks to the worker through the typed protocol only.', '**/engine/**', '**/sim/**', '**/storage/**', '**/cli/**', '**/worker/*', '!**/worker/protocol.js'),
  ),
);
