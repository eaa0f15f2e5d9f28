import { defineConfig } from 'vitest/config';

// The keychain tests: run inside a throw-away D-Bus session with an unlocked gnome-keyring
// (test/keychain/in-session.sh, which `npm test` calls). One file at a time: they share it.
export default defineConfig({
  test: {
    include: ['test/keychain/**/*.test.{ts,tsx}'],
    fileParallelism: false,
    setupFiles: ['test/setup/openapi-responses.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
