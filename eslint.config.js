// ESLint (npm run lint): typescript-eslint's type-checked recommended set, plus a few
// bug-catching rules, minus the rules that only disagree with this codebase's style.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores([
    '.output/',
    '.wxt/',
    'node_modules/',
    'test/fixtures/',
    'test/architecture/fixtures/', // deliberately broken import-rule fixtures
  ]),
  {
    files: ['src/**/*.{ts,tsx}', 'entrypoints/**/*.{ts,tsx}', 'test/**/*.{ts,tsx}', 'bench/**/*.ts', 'scripts/**/*.ts', '*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // --- added: catch real bugs ---
      '@typescript-eslint/switch-exhaustiveness-check': 'error', // a new union member must be handled
      '@typescript-eslint/return-await': ['error', 'in-try-catch'], // `return p` in try skips the catch/finally
      '@typescript-eslint/require-array-sort-compare': 'error', // [10, 9].sort() sorts as strings
      '@typescript-eslint/no-deprecated': 'error',
      eqeqeq: ['error', 'smart'],
      // verbatimModuleSyntax: type imports must say so; `import { type A }` alone still loads the module.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-import-type-side-effects': 'error',

      // --- tuned to this codebase ---
      // `_name` marks a parameter or binding kept for its position.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      // Numbers in messages are fine; objects, undefined and null in a template are the bugs.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // Re-rejecting what was caught (`return Promise.reject(error)`, `signal.reason`) is fine.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
      // Off: every finding is `onClick={commands.retry}` where `commands` is an object of arrow
      // functions typed with method-signature syntax; this codebase has no `this`-bound methods.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['src/**/*.{ts,tsx}', 'entrypoints/**/*.{ts,tsx}'],
    rules: {
      // Shipped code: no stray console.log (warn/error are deliberate).
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['test/**/*.{ts,tsx}', 'bench/**/*.ts'],
    rules: {
      // Tests and benchmarks inspect JSON.parse()d request bodies and SSE payloads as `any` on purpose.
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // `fetch: async () => response` and `act(async () => { ... })` match the async signature asked for.
      '@typescript-eslint/require-await': 'off',
    },
  },
);
