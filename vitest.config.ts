import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    exclude: ['test/keychain/**', 'test/postgres/**'],
    setupFiles: ['test/setup/openapi-responses.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
