import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const FEATURES = ['build-leg', 'merge', 'sign', 'verify', 'plan'];
const EXEC_SEAM = 'Run tools through the exec seam (packages/core/src/exec.ts).';
const restrictImports = (patterns) => ({
  'no-restricted-imports': ['error', { paths: [{ name: 'node:child_process', message: EXEC_SEAM }, { name: 'child_process', message: EXEC_SEAM }], patterns }],
});

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.property.name='execSync']", message: 'Use the exec seam: arguments are arrays, never a shell.' },
      ],
    },
  },
  // The layers of packages/core, as import rules (one no-restricted-imports per file, so each block carries all):
  // - one exec seam: every tool runs through exec.ts (argument arrays, timeouts, redaction, ToolError);
  // - features (one folder per action) never import each other, and nothing below them imports a feature: what
  //   two features share moves down a layer.
  { files: ['actions/*/src/**/*.ts'], rules: restrictImports([]) },
  ...FEATURES.map((feature) => ({
    files: [`packages/core/src/${feature}/**/*.ts`],
    rules: restrictImports([{ regex: `^\\.\\./(?!${feature}/)(${FEATURES.join('|')})/`, message: 'Features do not import each other: move what they share down a layer.' }]),
  })),
  {
    files: ['packages/core/src/*/**/*.ts', 'packages/core/src/*.ts'],
    ignores: ['packages/core/src/index.ts', 'packages/core/src/exec.ts', ...FEATURES.map((f) => `packages/core/src/${f}/**`)],
    rules: restrictImports([{ regex: `^\\.\\.?/(${FEATURES.join('|')})/`, message: 'Tools and values do not import features.' }]),
  },
);
