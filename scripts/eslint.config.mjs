import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
  {
    // One exec seam: every tool the actions run goes through exec.ts (argument arrays, timeouts, redaction, ToolError).
    files: ['packages/core/src/**/*.ts', 'actions/*/src/**/*.ts'],
    ignores: ['packages/core/src/exec.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [
        { name: 'node:child_process', message: 'Run tools through the exec seam (packages/core/src/exec.ts).' },
        { name: 'child_process', message: 'Run tools through the exec seam (packages/core/src/exec.ts).' },
      ] }],
    },
  },
);
