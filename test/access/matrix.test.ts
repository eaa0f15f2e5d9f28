// Every role against every route of the local `px server` (the built binary, over loopback) and
// of TestDevServer (test/helpers/role-matrix.ts; the team server's is in test/postgres/). Then the
// CLI (on PostgreSQL too): a command the role may not run exits 4 with one line; one it may run exits 0.
import { TestDevServer } from '../../src/server/test-dev-server.js';
import { startPxServer, type PxServer } from '../helpers/px-server.js';
import { tempProject, type TempProject } from '../helpers/project.js';
import { cliMatrix, matrix } from '../helpers/role-matrix.js';

let project: TempProject;
let server: PxServer;
matrix('local px server', async () => {
  project = tempProject();
  server = await startPxServer(project.root, { ...project.env, PX_KEYCHAIN: 'off' });
  return { target: { url: server.url, adminToken: server.adminToken }, stop: async () => {
      await server.stop();
      project.cleanup();
    } };
});

matrix('TestDevServer', async () => {
  const dev = await TestDevServer.start();
  const admin = await dev.addToken('admin');
  return { target: { url: dev.url, adminToken: admin.token }, stop: () => dev.close() };
});

cliMatrix('local px server', async () => {
  const cli = tempProject();
  const running = await startPxServer(cli.root, { ...cli.env, PX_KEYCHAIN: 'off' });
  const stop = async (): Promise<void> => {
    await running.stop();
    cli.cleanup();
  };
  return { target: { url: running.url, adminToken: running.adminToken }, root: cli.root, env: { ...cli.env, PX_KEYCHAIN: 'off' }, stop };
});
