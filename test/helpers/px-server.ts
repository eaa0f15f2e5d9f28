// A real `px server` (the built binary) on a free loopback port in a project directory, and a
// bare HTTP caller for its routes, whose every answer must match docs/openapi.yaml (the test
// setup's observer sees only in-process servers).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { responseProblems } from './openapi.js';

const PX = join(import.meta.dirname, '..', '..', 'bin', 'px.cjs');

export interface PxServer {
  url: string;
  /** The install admin token, as the server wrote it to .px/server-token. */
  adminToken: string;
  stderr(): string;
  stop(): Promise<number | null>;
}

export async function startPxServer(root: string, env: NodeJS.ProcessEnv, args: string[] = []): Promise<PxServer> {
  const child: ChildProcess = spawn(process.execPath, [PX, 'server', '--port', '0', ...args], { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`px server did not start: ${stderr}`)), 15_000);
    child.stderr!.on('data', () => {
      const match = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`px server exited with ${code}: ${stderr}`));
    });
  });
  const adminToken = env.PX_TOKEN ?? readFileSync(join(root, '.px', 'server-token'), 'utf8').trim();
  return {
    url,
    adminToken,
    stderr: () => stderr,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('close', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}

export interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: the endpoint's JSON answer, read by each test as it expects
  body: any;
  text: string;
}

/** One request with `token` as the bearer, on a connection of its own. */
export function call(url: string, token: string | undefined, method: string, path: string, body?: unknown): Promise<Answer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, {
      method,
      agent: false,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
      },
    });
    req.on('error', reject);
    req.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => {
        let parsed: unknown;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          parsed = undefined;
        }
        const status = response.statusCode ?? 0;
        const headers = new Headers();
        for (const [name, value] of Object.entries(response.headers)) if (typeof value === 'string') headers.set(name, value);
        const problems = responseProblems({ method, path: path.split('?')[0]!, status, headers, body: text });
        if (problems.length > 0) return reject(new Error(`px server answered against docs/openapi.yaml:\n${problems.join('\n')}`));
        resolve({ status, body: parsed, text });
      });
    });
    req.end(payload);
  });
}
