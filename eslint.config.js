// Lint: typescript-eslint's recommended rules plus the import directions of ARCHITECTURE.md,
// so a boundary crossing fails the build instead of waiting for review.
import tseslint from 'typescript-eslint';

const restrict = (message, ...groups) => ({ group: groups, message });

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'bench-results/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        restrict('The engine is pure: it imports nothing outside src/engine.',
          '**/ui/**', '**/worker/**', '**/storage/**', '**/sim/**', '**/cli/**', '**/scenario/**'),
        restrict('The engine runs everywhere: no Node, DOM or UI libraries.',
          'node:*', 'fs', 'path', 'svelte', 'svelte/*', 'idb-keyval', 'd3', 'd3-*'),
      ] }],
    },
  },
  {
    files: ['src/storage/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        restrict('Storage knows nothing of Redis, the simulator or the UI.', '**/engine/**', '**/ui/**', '**/sim/**', '**/worker/**', '**/cli/**'),
      ] }],
    },
  },
  {
    files: ['src/sim/**/*.ts', 'src/scenario/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        restrict('The simulator and scenarios do not depend on the UI, the worker or the CLI.', '**/ui/**', '**/worker/**', '**/cli/**'),
      ] }],
    },
  },
  {
    files: ['src/worker/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        restrict('The worker does not import UI or CLI code.', '**/ui/**', '**/cli/**'),
      ] }],
    },
  },
  {
    files: ['src/ui/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        restrict('The UI talks to the worker through the typed protocol only.', '**/engine/**', '**/sim/**', '**/storage/**', '**/cli/**', '**/worker/*', '!**/worker/protocol.js'),
      ] }],
    },
  },
);
