// The role matrix of the API, shared by the local `px server`, TestDevServer and the team server
// on PostgreSQL: every role against every route, allowed → the route's success code, not allowed
// → 403. The expectations are written out here from the API's roles table, not read from the code's.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from './px-server.js';
import { CANARY, canary } from './project.js';

export type Who = 'admin' | 'writer' | 'reader' | 'service' | 'unapproved';
export const EVERYONE: Who[] = ['admin', 'writer', 'reader', 'service', 'unapproved'];

export interface Target {
  url: string;
  adminToken: string;
}

export interface Fixtures {
  target: Target;
  tokens: Record<Who, string>;
  n: number;
}

// biome-ignore lint/suspicious/noExplicitAny: the endpoint's JSON answer, read by each fixture as it expects
async function made(answer: Promise<{ status: number; body: any }>, status: number): Promise<any> {
  const result = await answer;
  if (result.status !== status) throw new Error(`fixture: expected ${status}, got ${result.status}: ${JSON.stringify(result.body)}`);
  return result.body;
}

export async function newToken(t: Target, role: string): Promise<{ id: string; token: string }> {
  return made(call(t.url, t.adminToken, 'POST', '/tokens', { role, name: `${role}-fixture` }), 201);
}

export async function setUp(t: Target): Promise<Fixtures> {
  await made(call(t.url, t.adminToken, 'POST', '/secrets', { name: 'GRANTED', value: canary(1) }), 201);
  const tokens = {} as Record<Who, string>;
  for (const role of ['admin', 'writer', 'reader'] as const) tokens[role] = (await newToken(t, role)).token;
  const service = await newToken(t, 'service');
  const request = await made(call(t.url, service.token, 'POST', '/access-requests', { names: ['GRANTED'] }), 201);
  await made(call(t.url, t.adminToken, 'POST', `/access-requests/${request.id}/approve`), 200);
  tokens.service = service.token;
  tokens.unapproved = (await newToken(t, 'service')).token;
  return { target: t, tokens, n: 0 };
}

interface Route {
  route: string;
  allowed: Who[];
  success: number;
  // biome-ignore lint/suspicious/noExplicitAny: the endpoint's JSON answer, read by each case as it expects
  run: (fx: Fixtures, token: string) => Promise<{ status: number; body: any; text: string }>;
}

const ROUTES: Route[] = [
  { route: 'GET /secrets', allowed: ['admin', 'writer', 'reader'], success: 200, run: (fx, token) => call(fx.target.url, token, 'GET', '/secrets') },
  { route: 'POST /secrets', allowed: ['admin', 'writer'], success: 201, run: (fx, token) => call(fx.target.url, token, 'POST', '/secrets', { name: `M_${++fx.n}`, value: canary(fx.n) }) },
  {
    route: 'POST /secrets/bulk',
    allowed: ['admin', 'writer'],
    success: 201,
    run: (fx, token) => call(fx.target.url, token, 'POST', '/secrets/bulk', { secrets: [{ name: `B_${++fx.n}`, value: canary(fx.n) }] }),
  },
  {
    route: 'DELETE /secrets/:name',
    allowed: ['admin', 'writer'],
    success: 204,
    run: async (fx, token) => {
      const name = `D_${++fx.n}`;
      await made(call(fx.target.url, fx.target.adminToken, 'POST', '/secrets', { name, value: canary(fx.n) }), 201);
      return call(fx.target.url, token, 'DELETE', `/secrets/${name}`);
    },
  },
  { route: 'GET /secrets/:name/exists', allowed: ['admin', 'writer', 'reader', 'service'], success: 200, run: (fx, token) => call(fx.target.url, token, 'GET', '/secrets/GRANTED/exists') },
  { route: 'GET /secrets/:name/versions', allowed: ['admin', 'writer', 'reader'], success: 200, run: (fx, token) => call(fx.target.url, token, 'GET', '/secrets/GRANTED/versions') },
  {
    route: 'POST /secrets/:name/rollback',
    allowed: ['admin', 'writer'],
    success: 201,
    run: async (fx, token) => {
      const name = `R_${++fx.n}`;
      await made(call(fx.target.url, fx.target.adminToken, 'POST', '/secrets', { name, value: canary(fx.n) }), 201);
      await made(call(fx.target.url, fx.target.adminToken, 'POST', '/secrets', { name, value: canary(++fx.n) }), 201);
      return call(fx.target.url, token, 'POST', `/secrets/${name}/rollback`, {});
    },
  },
  { route: 'POST /secrets/values', allowed: ['service'], success: 200, run: (fx, token) => call(fx.target.url, token, 'POST', '/secrets/values', { names: ['GRANTED'] }) },
  { route: 'POST /tokens', allowed: ['admin'], success: 201, run: (fx, token) => call(fx.target.url, token, 'POST', '/tokens', { role: 'reader' }) },
  { route: 'GET /tokens', allowed: ['admin'], success: 200, run: (fx, token) => call(fx.target.url, token, 'GET', '/tokens') },
  {
    route: 'DELETE /tokens/:id',
    allowed: ['admin'],
    success: 204,
    run: async (fx, token) => call(fx.target.url, token, 'DELETE', `/tokens/${(await newToken(fx.target, 'reader')).id}`),
  },
  {
    route: 'POST /tokens/:id/approve',
    allowed: ['admin'],
    success: 200,
    run: async (fx, token) => call(fx.target.url, token, 'POST', `/tokens/${(await newToken(fx.target, 'service')).id}/approve`),
  },
  { route: 'POST /access-requests', allowed: ['service', 'unapproved'], success: 201, run: (fx, token) => call(fx.target.url, token, 'POST', '/access-requests', { names: [`ASKED_${++fx.n}`] }) },
  { route: 'GET /access-requests', allowed: ['admin'], success: 200, run: (fx, token) => call(fx.target.url, token, 'GET', '/access-requests') },
  ...(['approve', 'deny'] as const).map(
    (verb): Route => ({
      route: `POST /access-requests/:id/${verb}`,
      allowed: ['admin'],
      success: 200,
      run: async (fx, token) => {
        const asker = await newToken(fx.target, 'service');
        const request = await made(call(fx.target.url, asker.token, 'POST', '/access-requests', { names: ['GRANTED'] }), 201);
        return call(fx.target.url, token, 'POST', `/access-requests/${request.id}/${verb}`);
      },
    }),
  ),
];

const cases = ROUTES.flatMap((route) => EVERYONE.map((who) => [route.route, who, route] as const));

export function matrix(label: string, start: () => Promise<{ target: Target; stop: () => Promise<unknown> }>) {
  describe(`every role against every route: ${label}`, () => {
    let fx: Fixtures;
    let stop: () => Promise<unknown>;
    beforeAll(async () => {
      const started = await start();
      stop = started.stop;
      fx = await setUp(started.target);
    });
    afterAll(() => stop?.());

    it.each(cases)('%s as %s', async (_route, who, route) => {
      const answer = await route.run(fx, fx.tokens[who]);
      const expected = route.allowed.includes(who) ? route.success : 403;
      expect(answer.status, answer.text).toBe(expected);
      if (expected === 403) expect(answer.body.error).toMatch(/token/);
      // Only the one route that returns values, to the one role that reads them, carries a value.
      if (route.route === 'POST /secrets/values' && who === 'service') expect(answer.body).toEqual({ values: { GRANTED: canary(1) } });
      else expect(answer.text).not.toContain(CANARY);
    });

    it('no token, or a wrong one, is 401 on every route', async () => {
      for (const route of ROUTES) {
        for (const token of [undefined, 'pxt_wrong']) {
          const answer = await route.run(fx, token as string);
          expect(answer.status, `${route.route} with ${token ?? 'no token'}`).toBe(401);
        }
      }
    });
  });
}


const PX = join(import.meta.dirname, '..', '..', 'bin', 'px.cjs');

/** The CLI against a server: a command the role may not run exits 4 with one line; one it may run exits 0. */
export function cliMatrix(label: string, start: () => Promise<{ target: Target; root: string; env: NodeJS.ProcessEnv; stop: () => Promise<unknown> }>) {
  describe(`every role against the CLI: ${label}`, () => {
    let fx: Fixtures;
    let root: string;
    let env: NodeJS.ProcessEnv;
    let stop: () => Promise<unknown>;
    beforeAll(async () => {
      const started = await start();
      ({ root, env, stop } = started);
      fx = await setUp(started.target);
    });
    afterAll(() => stop?.());

    const px = (who: Who, args: string[], input?: string) =>
      spawnSync(process.execPath, [PX, ...args, '--url', fx.target.url], { cwd: root, encoding: 'utf8', input, env: { ...env, PX_TOKEN: fx.tokens[who] } });

    const COMMANDS: Array<{ command: string; allowed: Who[]; args: () => string[]; input?: () => string }> = [
      { command: 'secret list', allowed: ['admin', 'writer', 'reader'], args: () => ['secret', 'list', '--json'] },
      { command: 'secret exists', allowed: ['admin', 'writer', 'reader', 'service'], args: () => ['secret', 'exists', 'GRANTED'] },
      { command: 'secret create', allowed: ['admin', 'writer'], args: () => ['secret', 'create', `C_${++fx.n}`], input: () => canary(fx.n) },
      { command: 'secret import', allowed: ['admin', 'writer'], args: () => ['secret', 'import', '-', '--yes'], input: () => `I_${++fx.n}=${canary(fx.n)}\n` },
      { command: 'secret get', allowed: ['service'], args: () => ['secret', 'get', 'GRANTED'] },
      { command: 'token list', allowed: ['admin'], args: () => ['token', 'list', '--json'] },
      { command: 'token create', allowed: ['admin'], args: () => ['token', 'create', '--role', 'reader', '--json'] },
    ];

    it.each(COMMANDS.flatMap((command) => EVERYONE.map((who) => [command.command, who, command] as const)))('px %s as %s', (_name, who, command) => {
      const result = px(who, command.args(), command.input?.());
      const allowed = command.allowed.includes(who);
      expect(result.status, result.stderr).toBe(allowed ? 0 : 4);
      if (!allowed) {
        // One error line, the last (an import's preview comes before it is sent).
        const lines = result.stderr.trim().split('\n');
        expect(lines.filter((text) => text.startsWith('error:'))).toHaveLength(1);
        expect(lines.at(-1)).toMatch(/^error: .*(403|access requested)/);
      }
      const shown = result.stdout + result.stderr;
      if (command.command !== 'secret get') expect(shown).not.toContain(CANARY);
    });

    it('px token revoke and approve: admin only', async () => {
      for (const who of EVERYONE) {
        const victim = await newToken(fx.target, 'service');
        const revoke = px(who, ['token', 'revoke', victim.id]);
        expect(revoke.status, `${who}: ${revoke.stderr}`).toBe(who === 'admin' ? 0 : 4);
        const other = await newToken(fx.target, 'service');
        const approve = px(who, ['token', 'approve', other.id]);
        expect(approve.status, `${who}: ${approve.stderr}`).toBe(who === 'admin' ? 0 : 4);
      }
    });
  });
}
