// Distinctive values go through every way px takes a value; none may surface anywhere else.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TestDevServer } from '../../src/server/test-dev-server.js';
import { runPx, startPx, type PxResult } from '../helpers/px-session.js';
import { CANARY, canary, tempProject, type TempProject } from '../helpers/project.js';

let server: TestDevServer;
let project: TempProject;
let env: NodeJS.ProcessEnv;
const seen: PxResult[] = [];

beforeAll(async () => {
  server = await TestDevServer.start();
  project = tempProject();
  env = { ...project.env, PX_URL: server.url, PX_TOKEN: server.token };
});
afterAll(async () => {
  await server.close();
  project.cleanup();
});

const run = async (args: string[], options: { stdin?: string } = {}): Promise<PxResult> => {
  const result = await runPx(args, { cwd: project.root, env, ...options });
  seen.push(result);
  return result;
};

it('carries canaries through prompt, pipe, --value and import, and failures, without echoing them', async () => {
  const px = startPx(['secret', 'create', 'VIA_PROMPT'], { cwd: project.root, env, interactive: true });
  await px.waitForFrame(/Value for VIA_PROMPT/);
  await px.type(canary(1));
  await px.press('enter');
  seen.push(await px.done);

  expect((await run(['secret', 'create', 'VIA_PIPE'], { stdin: canary(2) })).code).toBe(0);
  expect((await run(['secret', 'create', 'VIA_FLAG', '--value', canary(3)])).code).toBe(0);
  writeFileSync(join(project.root, '.env.secrets'), `A="${canary(4)}"\nB=${canary(5)}\n`);
  expect((await run(['secret', 'import', '--yes'])).code).toBe(0);
  expect((await run(['secret', 'list'])).code).toBe(0);
  expect((await run(['secret', 'list', '--json'])).code).toBe(0);

  // Failure paths: the value is in flight when the endpoint errors.
  server.failNext(500);
  await run(['secret', 'create', 'FAIL_500', '--force'], { stdin: canary(6) });
  writeFileSync(join(project.root, 'bad.env'), `OK=${canary(7)}\nBAD KEY=${canary(8)}\nOPEN="${canary(9)}\n`);
  expect((await run(['secret', 'import', 'bad.env', '--yes'])).code).toBe(2);
  expect((await run(['secret', 'create', 'QUOTED', '--force'], { stdin: ` "${canary(10)}" ` })).code).toBe(0);

  const values = await server.store.values();
  expect(values.get('VIA_PROMPT')).toBe(canary(1));
  expect(values.get('VIA_PIPE')).toBe(canary(2));
  expect(values.get('VIA_FLAG')).toBe(canary(3));
  expect(values.get('A')).toBe(canary(4));

  for (const result of seen) {
    expect(result.stdout).not.toContain(CANARY);
    expect(result.stderr).not.toContain(CANARY);
    for (const frame of result.frames) expect(frame).not.toContain(CANARY);
  }
  expect(JSON.stringify(server.requests)).not.toContain(CANARY);
});
