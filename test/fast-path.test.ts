// The launcher's fast path must behave exactly like the full yargs CLI.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchFastPath } from '../src/fast-path.js';
import { TestDevServer } from '../src/server/test-dev-server.js';
import { runPx } from './helpers/px-session.js';
import { canary, tempProject, type TempProject } from './helpers/project.js';

describe('matchFastPath', () => {
  it.each([
    [['secret', 'list', '--json'], 'list'],
    [['secret', 'list'], 'list'],
    [['--project', 'x', 'secret', 'list', '--json', '--no-color'], 'list'],
    [['secret', 'exists', 'NAME', '--url', 'http://127.0.0.1:1', '--timeout', '2.5'], 'exists'],
    [['secret', 'create', 'A'], 'create'],
    [['secret', 'create', 'A', '--force', '--value', 'v'], 'create'],
    [['run', '--', 'node', '-e', '0'], 'run'],
    [['run', '--env', 'staging', '--allow-missing', '--', 'node'], 'run'],
    [['secret', 'validate', '--json', '--tier', 'desktop'], 'validate'],
    [['secret', 'plan', '--tier', 'desktop', '--json', '--env', 'staging'], 'plan'],
    [['secret', 'get', 'A'], 'get'],
    [['secret', 'get', 'A', '--reveal'], 'get'],
    [['secret', 'list', '--json', '--env', 'production'], 'list'],
    [['--project', 'x', 'run', '--', 'npm', 'start', '--', '--port', '3000'], 'run'],
  ])('%j takes the fast path', (argv, kind) => {
    expect(matchFastPath(argv)?.kind).toBe(kind);
  });

  it.each([
    [[]],
    [['--version']],
    [['secret', 'list', '--help']],
    [['secret', 'list', '--json=true']],
    [['secret', 'list', '--bogus']],
    [['secret', 'list', 'extra']],
    [['secret', 'exists']],
    [['secret', 'exists', 'A', 'B']],
    [['secret', 'exists', 'A', '--json']],
    [['secret', 'create']],
    [['secret', 'create', 'A', '--force', '--force']],
    [['secret', 'create', 'A', '--value']],
    [['secret', 'create', 'A', '--value', '-v']],
    [['secret', 'create', 'A', '--json']],
    [['secret', 'create', 'A', '-f']],
    [['secret', 'delete', 'A', '--yes']],
    [['run']],
    [['run', '--']],
    [['run', 'node']],
    [['run', '--url', 'http://x', '--', 'node']],
    [['secret', 'list', '--', 'x']],
    [['secret', 'list', '--timeout', 'soon']],
    [['secret', 'list', '--url']],
    [['secret', 'list', '-h']],
    [['secret', 'get']],
    [['secret', 'get', 'A', '--json']],
    [['secret', 'plan', '--tier']],
    [['secret', 'validate', 'A']],
    [['secret', 'list', '--env', '--json']],
  ])('%j goes to the full CLI', (argv) => {
    expect(matchFastPath(argv)).toBeNull();
  });
});

describe('fast path and yargs agree', () => {
  let server: TestDevServer;
  let project: TempProject;
  beforeAll(async () => {
    server = await TestDevServer.start();
    project = tempProject();
    await server.store.put('HERE', canary(1));
    writeFileSync(join(project.root, '.env.secrets.example'), 'HERE=\nMISSING=\n');
  });
  afterAll(async () => {
    await server.close();
    project.cleanup();
  });

  const cases: Array<[string, string[], NodeJS.ProcessEnv?]> = [
    ['list --json (endpoint)', ['secret', 'list', '--json']],
    ['list (endpoint)', ['secret', 'list']],
    ['exists yes', ['secret', 'exists', 'HERE']],
    ['exists no', ['secret', 'exists', 'NOPE']],
    ['exists invalid name', ['secret', 'exists', 'NO-PE']],
    ['unreachable', ['secret', 'list', '--json', '--url', 'http://127.0.0.1:9']],
    ['local store, empty', ['secret', 'list', '--json'], { PX_URL: '' }],
    ['create exists without --force', ['secret', 'create', 'HERE', '--value', 'x']],
    ['create invalid name', ['secret', 'create', '9LIVES', '--value', 'x']],
    ['create deploy credential', ['secret', 'create', 'CLOUDFLARE_API_TOKEN', '--value', 'x']],
    ['create, no value and no prompt', ['secret', 'create', 'NEW_ONE']],
    ['create bad timeout', ['secret', 'create', 'NEW_ONE', '--timeout', '0', '--value', 'x']],
    ['run against a URL target', ['run', '--', 'node', '-e', '0']],
    ['validate (endpoint)', ['secret', 'validate']],
    ['validate --json (endpoint)', ['secret', 'validate', '--json', '--tier', 'desktop']],
    ['plan --json (endpoint)', ['secret', 'plan', '--tier', 'desktop', '--json']],
    ['plan without --tier', ['secret', 'plan']],
    ['get from an endpoint', ['secret', 'get', 'HERE']],
    ['get, local store', ['secret', 'get', 'NOPE'], { PX_URL: '' }],
    ['list, another environment', ['secret', 'list', '--json', '--env', 'staging'], { PX_URL: '' }],
    ['bad environment name', ['secret', 'validate', '--env', 'Not Valid']],
  ];

  it.each(cases)('%s', async (_name, argv, extraEnv) => {
    const env = { ...project.env, PX_URL: server.url, PX_TOKEN: server.token, ...extraEnv };
    const full = await runPx(argv, { cwd: project.root, env });
    const fast = await runPx(argv, { cwd: project.root, env, fast: true });
    const stable = (text: string): string => text.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'TIME');
    expect(fast.code).toBe(full.code);
    expect(stable(fast.stdout)).toBe(stable(full.stdout));
    expect(fast.stderr).toBe(full.stderr);
  });
});
