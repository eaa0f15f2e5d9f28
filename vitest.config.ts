import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    exclude: ['test/keychain/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
