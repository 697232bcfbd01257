// Lint for the repository's own code, and the redleaf plugin's rules (the domain verifier's
// policy) on every domain, with type information, so an editor shows the same findings as
// redleaf-check. ESLint loads this TypeScript file (and the plugin) through jiti.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import redleaf from './eslint-plugin/index.ts';

/** Domain code: every folder with a domain.json (test fixtures excepted; they are meant to fail). */
const domains = ['bench/domains/**/*.ts', 'tests/kernel/domains/**/*.ts', 'drivers/!(hw)/**/*.ts', 'rv6/!(host)/**/*.ts'];

export default tseslint.config(
  { ignores: ['node_modules/', 'bench/results/', '**/fixtures/**', 'type-tests/**', 'build/', 'scratch/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: domains,
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    ...redleaf.configs.recommendedTypeChecked,
  },
);
