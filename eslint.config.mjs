// Lint for src/ and test/: typescript-eslint's type-checked rules plus the project's import rules (no relative
// import climbing more than one level: use `@/`; no barrels: no `export *` or re-exports, no index files).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'src/generated/**', 'bench/**', 'scripts/**', 'coverage/**', '*.config.*', 'jest.config.js', 'test/support/esm-transform.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: './tsconfig.test.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['../../*'], message: 'Climb at most one level; import from "@/..." instead.' }] }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportAllDeclaration', message: 'No barrels: import from the file that defines it.' },
        { selector: 'ExportNamedDeclaration[source]', message: 'No re-exports: import from the file that defines it.' },
      ],
      // Its fixes removed assertions that tsc needs (Prisma JSON inputs, Fastify route config): checked by tsc instead.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    files: ['test/**/*.ts', 'src/**/*.spec.ts'],
    rules: {
      // Tests assert on response bodies typed `any` on purpose (TestResponse.body).
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Probes handed to waitFor are async by contract even when they await nothing.
      '@typescript-eslint/require-await': 'off',
      'no-restricted-imports': ['error', { patterns: [{ regex: '^\\.\\./\\.\\./(?!src/)', message: 'Climb at most one level (test helpers may reach ../../src).' }] }],
    },
  },
);
