// @ts-check
/**
 * ESLint flat config (eslint 10 + typescript-eslint 8).
 *
 * - TypeScript under apps/, libs/, test/ and bench/ (the root tsconfig.json's `include`) is linted with
 *   type information. We use `parserOptions.project` rather than `projectService`, which missed libs/
 *   and test files with this layout.
 * - Plain JS config and script files are linted without type information.
 */
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const TS_FILES = ['apps/**/*.ts', 'apps/console/**/*.tsx', 'libs/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'];
const JS_FILES = ['**/*.{js,mjs,cjs}'];

export default defineConfig(
  globalIgnores(['**/dist/**', '**/node_modules/**', '**/coverage/**', '.tmp/**', 'test/artifacts/**', 'apps/console/src/api/schema.d.ts']),
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },

  // TypeScript sources: recommended + type-checked.
  {
    files: TS_FILES,
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node },
      parserOptions: {
        project: './tsconfig.json',
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Nest modules are often empty decorated classes (`@Module({...}) class AppModule {}`).
      '@typescript-eslint/no-extraneous-class': 'off',
      // (no-empty-function / no-useless-constructor are not in the preset, so empty constructor-injected
      // constructors and no-op hooks are fine.) `interface UpdateDto extends CreateDto {}` is a common pattern.
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // Letting an `any` flow across a boundary is routine at Nest's edges (express `req`/`res.json`,
      // Object.fromEntries, raw driver rows). Actually *using* one (calling it, reading a member,
      // returning it from a typed function) is still an error: no-unsafe-call/-member-access/-return.
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      // Nest handlers are commonly `async` to satisfy an interface without awaiting anything.
      '@typescript-eslint/require-await': 'off',
      // Misfires on constants used only inside decorator arguments; tsc's noUnusedLocals covers real cases.
      'no-useless-assignment': 'off',
      // Floating/misused promises are real bugs in handlers and workers (both already in the preset;
      // callbacks passed as arguments, e.g. `app.listen(port, async () => ...)`, are allowed).
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
    },
  },

  // widget.js runs in browsers: type-checked with its own tsconfig (DOM types, no Node types).
  {
    files: ['apps/webform/widget/**/*.ts'],
    languageOptions: {
      globals: { ...globals.browser },
      parserOptions: { project: './apps/webform/widget/tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
  },

  // The agents' console (React, bundled by Vite): its own tsconfig with DOM types and JSX.
  {
    files: ['apps/console/**/*.{ts,tsx}'],
    languageOptions: {
      globals: { ...globals.browser },
      parserOptions: { project: './apps/console/tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
  },

  // Tests: jest globals; expect(obj.method) is idiomatic, and API tests
  // poke at untyped JSON bodies (`res.body.error.code`), so `any` is allowed there.
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts'],
    languageOptions: { globals: { ...globals.jest } },
    rules: {
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },

  // TypeScript outside tsconfig.json's `include` (e.g. scripts/*.ts): syntax-level rules only, since
  // the type-aware parser would reject files that are not in the project.
  {
    files: ['**/*.ts'],
    ignores: TS_FILES,
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
    },
  },

  // Plain JS (jest.config.js, eslint.config.js, scripts/*.js, ...): no type information.
  {
    files: JS_FILES,
    extends: [js.configs.recommended, tseslint.configs.disableTypeChecked],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    rules: {
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
);
