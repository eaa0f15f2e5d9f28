// `px endpoint check` (the built binary) against the team server: `px server --store postgres://…`
// behind TestDevServer's postgres twin, whose answers the test setup checks against
// docs/openapi.yaml. The suite passes (but for the checks px's own endpoint cannot pass yet), and
// the database is left holding what it held before.
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { PX_BIN } from '../helpers/px-server-process.js';
import { CANARY, canary, tempProject } from '../helpers/project.js';
import { TestDevServer } from '../helpers/team-dev-server.js';

let server: TestDevServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function check(url: string, token: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const project = tempProject();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [PX_BIN, 'endpoint', 'check', '--url', url, '--json'], { cwd: project.root, env: { ...project.env, PX_TOKEN: token }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => {
      project.cleanup();
      resolve({ code, stdout, stderr });
    });
  });
}

describe('px endpoint check against the PostgreSQL team server', () => {
  // The suite also calls the token and values routes, which docs/openapi.yaml documents and the
  // test setup holds every answer to: it runs once the endpoint code serves them.
  it('passes every check px serves, removes its PX_CHECK_ names, and leaves the rest of the store alone', async () => {
    server = await TestDevServer.start();
    await server.store.put('KEPT_SECRET', canary(1));
    const before = await server.store.list();
    const run = await check(server.url, server.token);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { passed: boolean; left: string[]; checks: Array<{ id: string; status: string }> };
    expect(report.checks.filter((one) => one.status === 'failed').map((one) => one.id)).toEqual([]);
    expect(report).toMatchObject({ url: server.url, passed: true, stopped: false, left: [] });
    // The suite went through every kind of route, on the database.
    const routes = new Set(server.requests.map((request) => `${request.method} ${request.path.replace(/^\/secrets\/PX_CHECK_\w+/, '/secrets/:name')}`));
    for (const route of ['POST /secrets', 'GET /secrets', 'POST /secrets/bulk', 'GET /secrets/:name/exists', 'DELETE /secrets/:name']) expect(routes).toContain(route);
    expect(await server.store.list()).toEqual(before);
    expect((await server.store.values()).get('KEPT_SECRET')).toBe(canary(1));
    expect(run.stdout + run.stderr).not.toContain(CANARY);
    expect(run.stdout + run.stderr).not.toContain(server.token);
  }, 120_000);
});
