// Distinctive values go through every way px takes a deploy credential (prompt, pipe, --value,
// import, failures) and out through px deploy; none may surface anywhere else.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { credentialsService } from '../../src/core/deploy-credentials.js';
import { MemoryKeychain } from '../helpers/memory-keychain.js';
import { runPx, startPx, type PxResult } from '../helpers/px-session.js';
import { CANARY, canary, tempProject, type TempProject } from '../helpers/project.js';

let project: TempProject;
let inputs: string;
const keychain = new MemoryKeychain();
const seen: PxResult[] = [];

beforeAll(() => {
  project = tempProject();
  // Files the test writes on purpose live outside the project and HOME, which must stay clean.
  inputs = join(dirname(project.root), 'inputs');
  mkdirSync(inputs);
});
afterAll(() => project.cleanup());

const run = async (args: string[], stdin?: string): Promise<PxResult> => {
  const result = await runPx(args, { cwd: project.root, env: project.env, keychain, stdin });
  seen.push(result);
  return result;
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]));
}

it('carries canaries through creds set, import and deploy without echoing them anywhere', async () => {
  const prompt = startPx(['creds', 'set', 'VIA_PROMPT'], { cwd: project.root, env: project.env, keychain, interactive: true });
  await prompt.waitForFrame(/Value for VIA_PROMPT/);
  await prompt.type(canary(1));
  await prompt.press('enter');
  seen.push(await prompt.done);

  expect((await run(['creds', 'set', 'VIA_PIPE'], canary(2))).code).toBe(0);
  expect((await run(['creds', 'set', 'VIA_FLAG', '--value', canary(3)])).code).toBe(0);
  writeFileSync(join(inputs, 'deploy.env'), `IMPORTED_A="${canary(4)}"\nIMPORTED_B=${canary(5)}\n`);
  expect((await run(['creds', 'import', join(inputs, 'deploy.env'), '--yes'])).code).toBe(0);
  expect((await run(['creds', 'list'])).code).toBe(0);
  expect((await run(['creds', 'list', '--json'])).code).toBe(0);

  // Failure paths with values in flight.
  writeFileSync(join(inputs, 'bad.env'), `OK=${canary(6)}\nBAD KEY=${canary(7)}\nOPEN="${canary(8)}\n`);
  expect((await run(['creds', 'import', join(inputs, 'bad.env'), '--yes'])).code).toBe(2);
  expect((await run(['creds', 'set', 'VIA_PIPE'], canary(9))).code).toBe(1);
  expect((await run(['creds', 'set', 'QUOTED', '--force'], ` "${canary(10)}" `)).code).toBe(0);
  keychain.available = false;
  expect((await run(['creds', 'set', 'LOCKED'], canary(11))).code).toBe(4);
  keychain.available = true;

  const deployed = await run(['deploy', '--', process.execPath, '-e', `
    for (const name of ['VIA_PROMPT', 'VIA_PIPE', 'VIA_FLAG', 'IMPORTED_A', 'IMPORTED_B']) console.log(name + '=' + process.env[name]);
    console.error(process.env.IMPORTED_A + process.env.IMPORTED_B);
    throw new Error('deploy failed with ' + process.env.VIA_FLAG);
  `]);
  expect(deployed.code).toBe(1);
  expect(deployed.stdout).toContain('VIA_PROMPT=***\nVIA_PIPE=***\nVIA_FLAG=***\nIMPORTED_A=***\nIMPORTED_B=***\n');
  expect(deployed.stderr).toContain('deploy failed with ***');

  const values = await keychain.entries(credentialsService(project.root));
  expect([...values.values()].filter((value) => value.includes(CANARY))).toHaveLength(6);
  for (const result of seen) {
    expect(result.stdout).not.toContain(CANARY);
    expect(result.stderr).not.toContain(CANARY);
    for (const frame of result.frames) expect(frame).not.toContain(CANARY);
  }
  for (const file of [...filesUnder(project.root), ...filesUnder(project.env.HOME!)]) {
    expect(readFileSync(file).includes(CANARY), file).toBe(false);
  }
});
