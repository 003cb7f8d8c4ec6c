// The linter npm test runs: typescript-eslint's type-checked rules over src/ and test/, with the
// async rules that keep promises from floating. Formatting is prettier's (npm run format).
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'bench/results/', 'src/dashboard/static/', '**/*.js', '**/*.mjs', '**/*.cjs', 'src/**/*.cts'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: ['./tsconfig.json', './tsconfig.test.json'], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
);
