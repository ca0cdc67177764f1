// Lint runs in `npm test`. Its main job here is the process boundary (DESIGN §1):
// only src/main/electron and src/preload may import electron; the renderer reaches the
// core only through window.api; src/shared stays free of node:* and electron.
import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const noElectron = {
  paths: [{ name: 'electron', message: 'Only src/main/electron and src/preload may import electron (DESIGN §1).' }],
  patterns: [{ group: ['electron/*'], message: 'Only src/main/electron and src/preload may import electron (DESIGN §1).' }],
};

// Issue 24: SQL lives in src/main/core/store/, behind functions named for what they do. A call
// that prepares or runs SQL anywhere else in the core is an error.
const sqlOutsideStore = [
  'error',
  {
    selector: 'CallExpression[callee.property.name=/^(prepare|transaction|pragma)$/]',
    message: 'SQL lives in src/main/core/store/ (issue 24): add an intent-named function there and call it.',
  },
  {
    selector:
      'CallExpression[callee.property.name="exec"][callee.object.name=/^(sqlite|db)$/], CallExpression[callee.property.name="exec"][callee.object.property.name=/^(sqlite|db)$/]',
    message: 'SQL lives in src/main/core/store/ (issue 24): add an intent-named function there and call it.',
  },
];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.native/**', 'resources/**', 'test/e2e/screenshots/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-imports': ['error', noElectron],
    },
  },
  {
    files: ['src/main/core/**/*.ts'],
    ignores: ['src/main/core/store/**'],
    rules: { 'no-restricted-syntax': sqlOutsideStore },
  },
  {
    files: ['src/main/electron/**', 'src/preload/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: noElectron.paths,
          patterns: [
            ...noElectron.patterns,
            { group: ['node:*', 'fs', 'path', 'os', 'child_process'], message: 'src/shared is plain TypeScript: no Node built-ins.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      // Both as errors: a stale closure in an effect is a bug the e2e suite finds only by luck.
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      'no-restricted-imports': [
        'error',
        {
          paths: noElectron.paths,
          patterns: [
            ...noElectron.patterns,
            { group: ['node:*'], message: 'The renderer has no Node: use window.api.' },
            { group: ['**/main/**', '**/preload/**'], message: 'The renderer talks to the core only through window.api.' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', 'bin/**', 'scripts/**'],
    languageOptions: { globals: { ...globals.node } },
  },
);
