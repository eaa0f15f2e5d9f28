// The postgres test run: the endpoint suites that run against TestDevServer, unchanged, now against
// `px server --store postgres://…` (test/helpers/team-dev-server.ts takes TestDevServer's place),
// and the team server's own tests (test/postgres/), all on one throw-away PostgreSQL cluster.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export const ENDPOINT_SUITES = ['test/secret/**/*.test.ts', 'test/creds/login.test.ts'];

export default defineConfig({
  resolve: {
    alias: [{ find: /^(\.\.\/)+src\/server\/test-dev-server\.js$/, replacement: fileURLToPath(new URL('./test/helpers/team-dev-server.ts', import.meta.url)) }],
  },
  test: {
    include: [...ENDPOINT_SUITES, 'test/postgres/**/*.test.ts'],
    globalSetup: ['test/postgres/global-setup.ts'],
    // Every answer of the team server checked against docs/openapi.yaml, as in the default run.
    setupFiles: ['test/setup/openapi-responses.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
