// The built px as users run it: the launcher, the bundle, pipes, and the packed tarball.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDevServer } from '../../src/server/test-dev-server.js';
import { canary, tempProject, type TempProject } from '../helpers/project.js';
import { childEnv } from '../helpers/child-env.js';
import { startFaultyEndpoint } from '../helpers/faulty-endpoint.js';

const ROOT = join(import.meta.dirname, '..', '..');
const PX = join(ROOT, 'bin', 'px.cjs');
const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;

let server: TestDevServer;
let project: TempProject;

beforeAll(async () => {
  server = await TestDevServer.start();
  project = tempProject();
});
afterAll(async () => {
  await server.close();
  project.cleanup();
});

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

// Asynchronous: the TestDevServer lives in this process and must keep answering.
const px = (args: string[], options: { input?: string; env?: NodeJS.ProcessEnv; bin?: string } = {}): Promise<Run> =>
  new Promise((resolve) => {
    const child = spawn('node', [options.bin ?? PX, ...args], {
      cwd: project.root,
      env: { ...project.env, PX_URL: server.url, PX_TOKEN: server.token, ...options.env },
    });
    const run: Run = { status: null, stdout: '', stderr: '' };
    child.stdout.on('data', (chunk) => (run.stdout += chunk));
    child.stderr.on('data', (chunk) => (run.stderr += chunk));
    child.on('close', (code) => resolve({ ...run, status: code }));
    child.stdin.end(options.input ?? '');
  });

describe('built px', () => {
  it('--version', async () => {
    const result = await px(['--version']);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`${VERSION}\n`);
  });

  it('creates from a pipe and lists as JSON', async () => {
    expect((await px(['secret', 'create', 'PIPED'], { input: `${canary(1)}\n` })).status).toBe(0);
    const list = await px(['secret', 'list', '--json']);
    expect(list.status).toBe(0);
    expect(JSON.parse(list.stdout).secrets.map((s: { name: string }) => s.name)).toContain('PIPED');
    expect(list.stdout + list.stderr).not.toContain(canary(1));
  });

  it("yargs renders a command's help only when asked for it (--help), not on every run", async () => {
    // The build takes out the help text yargs rendered after each handler (scripts/build.mjs).
    expect(readFileSync(join(ROOT, 'dist', 'cli.cjs'), 'utf8')).not.toMatch(/cacheHelpMessage\(\)[,;}]/);
    const help = await px(['secret', 'import', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^px secret import /);
    expect(help.stdout).toContain('--yes');
    const top = await px(['--help']);
    expect(top.status).toBe(0);
    expect(top.stdout).toContain('px — project secrets from the terminal');
  });

  it('a failure prints one line and no stack trace', async () => {
    const result = await px(['secret', 'list'], { env: { PX_URL: 'http://127.0.0.1:9' } });
    expect(result.status).toBe(3);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('non-interactive runs never load Ink or React', async () => {
    // A copy of the build without the Ink/React chunk: anything that imports it would crash.
    const copy = mkdtempSync(join(tmpdir(), 'px-noink-'));
    try {
      cpSync(join(ROOT, 'bin'), join(copy, 'bin'), { recursive: true });
      cpSync(join(ROOT, 'dist'), join(copy, 'dist'), { recursive: true });
      cpSync(join(ROOT, 'package.json'), join(copy, 'package.json'));
      symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
      const built = readdirSync(join(copy, 'dist'), { recursive: true, encoding: 'utf8' }).filter((file) => /\.c?js$/.test(file));
      const inkChunks = built.filter((file) => /Raw mode is not supported|react\.transitional\.element/.test(readFileSync(join(copy, 'dist', file), 'utf8')));
      expect(inkChunks.length).toBeGreaterThan(0);
      expect(inkChunks).not.toContain('px.cjs');
      for (const file of inkChunks) rmSync(join(copy, 'dist', file));
      const bin = join(copy, 'bin', 'px.cjs');
      expect((await px(['secret', 'list', '--json'], { bin })).status).toBe(0);
      expect((await px(['secret', 'exists', 'PIPED'], { bin })).status).toBe(0);
      expect((await px(['secret', 'create', 'AGAIN', '--force'], { bin, input: 'v' })).status).toBe(0);
      writeFileSync(join(project.root, 'more.env'), 'MORE=1\n');
      expect((await px(['secret', 'import', 'more.env', '--yes'], { bin })).status).toBe(0);
      // …and the local store too
      expect((await px(['secret', 'list', '--json'], { bin, env: { PX_URL: '' } })).status).toBe(0);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});

describe('npm pack', () => {
  it('installs into an empty directory and runs; px-secrets/spec imports and checks an endpoint', { timeout: 240_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'px-pack-'));
    try {
      // npm needs where its cache, registry and proxy are (the user's own npm settings), and nothing else.
      const npmSettings = Object.fromEntries(Object.entries(process.env).filter(([key]) => /^(npm_config_(cache|registry|userconfig)|https?_proxy|no_proxy)$/i.test(key)));
      const npmEnv = childEnv({ HOME: process.env.HOME, ...npmSettings, npm_config_ignore_scripts: 'true' });
      const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8', env: npmEnv })
        .trim()
        .split('\n')
        .pop()!;
      execFileSync('npm', ['init', '-y'], { cwd: dir, stdio: 'ignore', env: npmEnv });
      execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(dir, tarball)], { cwd: dir, stdio: 'ignore', env: npmEnv });
      const bin = join(dir, 'node_modules', '.bin', 'px');
      expect(execFileSync(bin, ['--version'], { encoding: 'utf8', env: project.env })).toBe(`${VERSION}\n`);
      expect(execFileSync(bin, ['secret', 'list', '--help'], { encoding: 'utf8', env: project.env })).toMatch(/--json/);
      // px-secrets/spec, as a backend's tests import it (ES module) or require it (CommonJS).
      writeFileSync(
        join(dir, 'check.mjs'),
        "import { checkEndpoint } from 'px-secrets/spec';\n" +
          'const report = await checkEndpoint({ url: process.env.URL, token: process.env.TOKEN });\n' +
          "console.log(JSON.stringify({ passed: report.passed, failed: report.checks.filter((c) => c.status === 'failed').map((c) => c.id) }));\n",
      );
      const endpoint = await startFaultyEndpoint('none');
      const checked = await new Promise<string>((resolve) => {
        const child = spawn('node', ['check.mjs'], { cwd: dir, env: childEnv({ URL: endpoint.url, TOKEN: endpoint.token }) });
        let out = '';
        child.stdout.on('data', (chunk) => (out += chunk));
        child.on('close', () => resolve(out));
      });
      await endpoint.close();
      expect(JSON.parse(checked)).toEqual({ passed: true, failed: [] });
      const required = execFileSync('node', ['-e', "const s = require('px-secrets/spec'); console.log(typeof s.checkEndpoint, typeof s.EndpointCheckRefused)"], { cwd: dir, encoding: 'utf8', env: childEnv() });
      expect(required.trim()).toBe('function function');
      expect(readdirSync(join(dir, 'node_modules', 'px-secrets', 'dist', 'types'))).toContain('spec.d.ts');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
