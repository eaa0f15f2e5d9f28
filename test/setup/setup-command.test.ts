// `px setup` through the real yargs → command → Ink path against a TestDevServer.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { TestDevServer } from '../../src/server/test-dev-server.js';
import { runPx, startPx } from '../helpers/px-session.js';
import { canary, tempProject, type TempProject } from '../helpers/project.js';

let server: TestDevServer;
let project: TempProject;
let env: NodeJS.ProcessEnv;

beforeEach(async () => {
  server = await TestDevServer.start();
  project = tempProject();
  env = { ...project.env, PX_URL: server.url, PX_TOKEN: server.token };
  writeFileSync(join(project.root, '.env.secrets.example'), 'API_KEY=\nDATABASE_URL=\n');
});
afterEach(async () => {
  await server.close();
  project.cleanup();
});

it('non-interactive without --yes: refused, exit 2, nothing sent', async () => {
  const result = await runPx(['setup'], { cwd: project.root, env });
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/^error: px setup asks for values and this run is not interactive: pass --yes/);
  expect(server.requests).toEqual([]);
});

it('--yes: step 1, then exit 1 naming what still needs a person', async () => {
  await server.store.put('API_KEY', canary(1));
  const result = await runPx(['setup', '--yes'], { cwd: project.root, env });
  expect(result.code).toBe(1);
  expect(result.stdout).toContain('Step 1: Generate secrets');
  expect(result.stderr).toBe('error: 1 secret needs a person: DATABASE_URL. Run `px setup` in a terminal, or `px secret create NAME` for each.\n');
  await server.store.put('DATABASE_URL', canary(2));
  const done = await runPx(['setup', '--yes'], { cwd: project.root, env });
  expect(done.code).toBe(0);
  expect(done.stdout).toContain('Every required secret is provided.');
  expect(JSON.stringify([result, done])).not.toContain('canary');
});

it('the wizard asks for each missing secret, saves it and summarises (exit 0)', async () => {
  const session = startPx(['setup'], { cwd: project.root, env, interactive: true });
  await session.waitForFrame(/\(1 of 2\)/);
  await session.type(canary(3));
  await session.press('enter');
  await session.waitForFrame(/\(2 of 2\)/);
  await session.type(canary(4));
  await session.press('enter');
  const result = await session.done;
  expect(result.code).toBe(0);
  expect(result.stdout).toBe(`Setup complete: saved API_KEY, DATABASE_URL in ${server.url}.\n`);
  expect(result.frames.join('\n')).toContain('✓ All required secrets provided   ✓ Formats valid');
  const values = await server.store.values();
  expect([values.get('API_KEY'), values.get('DATABASE_URL')]).toEqual([canary(3), canary(4)]);
  expect(JSON.stringify(result)).not.toContain('canary');
});

it('Esc before anything was saved: exit 130; after one was saved: says what and exits 1', async () => {
  const first = startPx(['setup'], { cwd: project.root, env, interactive: true });
  await first.waitForFrame(/\(1 of 2\)/);
  await first.press('escape');
  const cancelled = await first.done;
  expect(cancelled.code).toBe(130);
  expect(cancelled.stderr).toBe('Setup stopped; nothing was saved.\n');
  const second = startPx(['setup'], { cwd: project.root, env, interactive: true });
  await second.waitForFrame(/\(1 of 2\)/);
  await second.type(canary(5));
  await second.press('enter');
  await second.waitForFrame(/\(2 of 2\)/);
  await second.press('escape');
  const stopped = await second.done;
  expect(stopped.code).toBe(1);
  expect(stopped.stdout).toBe(`Setup stopped: saved API_KEY in ${server.url}. Run \`px setup\` again for the rest.\n`);
});

it('the endpoint failing while saving: its exit code, and what was saved before', async () => {
  const session = startPx(['setup'], { cwd: project.root, env, interactive: true });
  await session.waitForFrame(/\(1 of 2\)/);
  await session.type(canary(6));
  await session.press('enter');
  await session.waitForFrame(/\(2 of 2\)/);
  server.failNext(500);
  await session.type(canary(7));
  await session.press('enter');
  const result = await session.done;
  expect(result.code).toBe(5);
  expect(result.stderr).toMatch(/^error: .*500/);
  expect(result.stderr).toContain(`before that, px saved API_KEY in ${server.url}`);
  expect(JSON.stringify(result)).not.toContain('canary');
});

for (const [what, code, change, said] of [
  ['unreachable', 3, (): NodeJS.ProcessEnv => ({ ...env, PX_URL: 'http://127.0.0.1:9' }), /Cannot reach http:\/\/127\.0\.0\.1:9/],
  ['401', 4, (): NodeJS.ProcessEnv => ({ ...env, PX_TOKEN: 'not-the-token' }), /401/],
  ['500', 5, (): NodeJS.ProcessEnv => {
      server.failNext(500);
      return env;
    }, /500/],
] as const) {
  it(`the endpoint ${what} before step 1: exit ${code}, one error line, no wizard`, async () => {
    const session = startPx(['setup'], { cwd: project.root, env: change(), interactive: true });
    const result = await session.done;
    expect(result.code).toBe(code);
    const errors = result.stderr.split('\n').filter((line) => line.startsWith('error:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(said);
    expect(JSON.stringify(result)).not.toContain('Step 1');
  });
}
