import tseslint from 'typescript-eslint';

const ioPackages = [
  'express',
  'bullmq',
  'ioredis',
  'mongodb',
  'prom-client',
  'pino',
  '@kubernetes/client-node',
  'fs',
  'node:fs',
  'fs/promises',
  'node:fs/promises',
  'http',
  'node:http',
  'worker_threads',
  'node:worker_threads',
  'child_process',
  'node:child_process',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.bin/**', '.data/**', '.run/**', 'artifacts/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The pure core: numbers in, results out. No IO, no environment.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ioPackages.map((name) => ({ name, message: 'src/core is pure: no IO packages.' })),
          patterns: [
            {
              group: ['**/api/**', '**/worker/**', '**/store/**', '**/queue/**', '**/market-data/**', '**/config/**', '**/observability/**', '**/solver-pool/**', '**/cli/**'],
              message: 'src/core must not import the IO layers around it.',
            },
          ],
        },
      ],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'src/core reads no environment.' }],
      'no-restricted-globals': ['error', { name: 'fetch', message: 'src/core does no IO.' }],
    },
  },
);
