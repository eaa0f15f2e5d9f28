// The launcher's fast path must behave exactly like the full yargs CLI. Its accepted shapes are
// derived from the registry: every fast command with every combination of its flags, before and
// after the command words, must take the fast path and hand its handler what yargs hands it;
// real runs of both paths (piped and interactive) must print the same and exit the same.
import { PassThrough, Writable } from 'node:stream';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flagsOf, type CommandSpec, type FlagSpec, type Registry } from '../src/cli/command-spec.js';
import { matchFastPath } from '../src/cli/fast-path.js';
import type { Io, OutStream } from '../src/cli/io.js';
import { runParser } from '../src/cli/parser.js';
import { REGISTRY } from '../src/registry.js';
import { TestDevServer } from '../src/server/test-dev-server.js';
import { runPx, startPx } from './helpers/px-session.js';
import { canary, tempProject, type TempProject } from './helpers/project.js';

const FAST = REGISTRY.commands.filter((spec) => spec.fast);

/** A value each flag type accepts on the fast path. */
const sample = (name: string, flag: FlagSpec): string => (flag.type === 'number' ? '2.5' : `${name}-value`);

function flagArgs(name: string, flag: FlagSpec, negated = false): string[] {
  if (flag.type === 'boolean') return [negated ? `--no-${name}` : `--${name}`];
  return [`--${name}`, sample(name, flag)];
}

/** Every subset of `items`. */
function subsets<T>(items: T[]): T[][] {
  const all: T[][] = [[]];
  for (const item of items) for (const subset of all.slice()) all.push([...subset, item]);
  return all;
}

function positionalsOf(spec: CommandSpec): { before: string[]; after: string[] } {
  const before = (spec.positionals ?? []).filter((slot) => !slot.variadic).map((slot) => `${slot.name.toUpperCase()}_X`);
  const after = spec.passThrough ? ['--', 'node', '-e', '0', '--port', '3000'] : [];
  return { before, after };
}

/** The command lines the fast path must take: derived from the registry alone. */
function acceptedShapes(spec: CommandSpec): string[][] {
  const flags = Object.entries(flagsOf(REGISTRY, spec)).filter(([, flag]) => !flag.hidden || true);
  const { before, after } = positionalsOf(spec);
  const words = spec.path.split(' ');
  const shapes: string[][] = [];
  for (const subset of subsets(flags)) {
    const given = subset.flatMap(([name, flag]) => flagArgs(name, flag));
    shapes.push([...words, ...before, ...given, ...after]);
    // Globals may also come first.
    const globals = subset.filter(([name]) => name in REGISTRY.globals).flatMap(([name, flag]) => flagArgs(name, flag));
    const others = subset.filter(([name]) => !(name in REGISTRY.globals)).flatMap(([name, flag]) => flagArgs(name, flag));
    shapes.push([...globals, ...words, ...before, ...others, ...after]);
  }
  for (const [name, flag] of flags) if (flag.type === 'boolean') shapes.push([...words, ...before, ...flagArgs(name, flag, true), ...after]);
  for (const [name, flag] of flags) if (flag.repeat) shapes.push([...words, ...before, ...flagArgs(name, flag), ...flagArgs(name, flag), ...after]);
  return shapes;
}

/** Shapes that must go to the full CLI, also derived: it alone explains mistakes and prints help. */
function refusedShapes(spec: CommandSpec): string[][] {
  const { before, after } = positionalsOf(spec);
  const words = spec.path.split(' ');
  const shapes: string[][] = [
    [...words, ...before, '--help', ...after],
    [...words, ...before, '-h', ...after],
    [...words, ...before, '--bogus', ...after],
    [...words, ...before, 'EXTRA_WORD', ...(after.length > 0 ? after : [])],
  ];
  if (before.length > 0) shapes.push([...words, ...after]);
  if (!spec.passThrough) shapes.push([...words, ...before, '--', 'x']);
  else shapes.push([...words, ...before, '--'], [...words, ...before, 'node']);
  for (const [name, flag] of Object.entries(flagsOf(REGISTRY, spec))) {
    // before the words of the command that declares it, yargs does not know the flag yet
    if (!(name in REGISTRY.globals)) shapes.push([...flagArgs(name, flag), ...words, ...before, ...after]);
    if (!flag.repeat) shapes.push([...words, ...before, ...flagArgs(name, flag), ...flagArgs(name, flag), ...after]);
    if (flag.type !== 'boolean') {
      shapes.push([...words, ...before, `--${name}=${sample(name, flag)}`, ...after]);
      shapes.push([...words, ...before, `--${name}`, '-x', ...after]);
      if (after.length === 0) shapes.push([...words, ...before, `--${name}`]);
    }
    if (flag.type === 'number') shapes.push([...words, ...before, `--${name}`, 'soon', ...after]);
    if (flag.alias) shapes.push([...words, ...before, `-${flag.alias}`, ...after]);
  }
  return shapes;
}

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** What yargs hands each handler: the registry with every handler replaced by a recorder. */
async function yargsArgs(argv: string[]): Promise<{ path: string; args: Record<string, unknown> } | { error: string }> {
  let seen: { path: string; args: Record<string, unknown> } | undefined;
  const recording: Registry = {
    globals: REGISTRY.globals,
    commands: REGISTRY.commands.map((spec) => {
      if (!spec.handler) return spec;
      const record = async (_io: Io, args: Record<string, unknown>): Promise<number> => {
        seen = { path: spec.path, args };
        return 0;
      };
      return { ...spec, handler: { name: 'record', load: async () => ({ record }) } };
    }),
  };
  const stderr = new Sink();
  const stdin = new PassThrough();
  stdin.end();
  const io: Io = { cwd: '/', env: {}, stdin, stdout: new Sink() as OutStream, stderr: stderr as OutStream, interactive: false, color: false, ui: () => Promise.reject(new Error('no ui')) };
  const code = await runParser(recording, argv, io);
  if (!seen || code !== 0) return { error: stderr.text || `exit ${code}` };
  return seen;
}

/** yargs' own bookkeeping and alias letters are not arguments a handler reads. */
function comparable(spec: CommandSpec, args: Record<string, unknown>): Record<string, unknown> {
  const aliases = new Set(Object.values(flagsOf(REGISTRY, spec)).map((flag) => flag.alias));
  return Object.fromEntries(Object.entries(args).filter(([key, value]) => key !== '_' && key !== '$0' && !aliases.has(key) && value !== undefined));
}

describe('the fast path, derived from the registry', () => {
  it('has fast commands to check', () => {
    expect(FAST.map((spec) => spec.path).sort()).toEqual(['run', 'secret create', 'secret exists', 'secret get', 'secret list', 'secret plan', 'secret validate', 'ui']);
  });

  for (const spec of FAST) {
    // Hundreds of shapes, each through a freshly built yargs parser: half a minute on a loaded machine.
    it(`px ${spec.path}: every accepted shape takes the fast path with the arguments yargs gives`, { timeout: 180_000 }, async () => {
      const shapes = acceptedShapes(spec);
      expect(shapes.length).toBeGreaterThan(4);
      for (const argv of shapes) {
        const fast = matchFastPath(REGISTRY, argv);
        expect(fast?.spec.path, argv.join(' ')).toBe(spec.path);
        const full = await yargsArgs(argv);
        expect(full, argv.join(' ')).toHaveProperty('path', spec.path);
        expect(comparable(spec, fast!.args), argv.join(' ')).toEqual(comparable(spec, (full as { args: Record<string, unknown> }).args));
      }
    });

    it(`px ${spec.path}: every other shape goes to the full CLI`, () => {
      for (const argv of refusedShapes(spec)) expect(matchFastPath(REGISTRY, argv), argv.join(' ')).toBeNull();
    });
  }

  it.each([[[]], [['--version']], [['secret', 'delete', 'A', '--yes']], [['secret']], [['creds', 'list']], [['secrets', 'list']]])('%j goes to the full CLI', (argv) => {
    expect(matchFastPath(REGISTRY, argv)).toBeNull();
  });
});

describe('fast path and yargs agree on real runs', () => {
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

  const stable = (text: string): string => text.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'TIME');
  const cases: Array<[string, string[], NodeJS.ProcessEnv?]> = [
    ['list --json (endpoint)', ['secret', 'list', '--json']],
    ['list (endpoint)', ['secret', 'list']],
    ['list --no-json --no-color', ['secret', 'list', '--no-json', '--no-color']],
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
    ['run --url', ['run', '--url', 'http://127.0.0.1:9', '--', 'node', '-e', '0']],
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
    expect(matchFastPath(REGISTRY, argv)).not.toBeNull();
    const env = { ...project.env, PX_URL: server.url, PX_TOKEN: server.token, ...extraEnv };
    const full = await runPx(argv, { cwd: project.root, env });
    const fast = await runPx(argv, { cwd: project.root, env, fast: true });
    expect(fast.code).toBe(full.code);
    expect(stable(fast.stdout)).toBe(stable(full.stdout));
    expect(fast.stderr).toBe(full.stderr);
  });

  it('interactive: list renders the same table', async () => {
    const env = { ...project.env, PX_URL: server.url, PX_TOKEN: server.token };
    const full = await runPx(['secret', 'list'], { cwd: project.root, env, interactive: true });
    const fast = await runPx(['secret', 'list'], { cwd: project.root, env, interactive: true, fast: true });
    expect(fast.code).toBe(full.code);
    expect(fast.frames.map(stable)).toEqual(full.frames.map(stable));
  });

  it('interactive: create asks for the value at the hidden prompt, then keeps it after a no', async () => {
    const env = { ...project.env, PX_URL: server.url, PX_TOKEN: server.token };
    const results = [];
    for (const fast of [false, true]) {
      const name = fast ? 'PROMPTED_FAST' : 'PROMPTED_FULL';
      const px = startPx(['secret', 'create', name, '--force'], { cwd: project.root, env, interactive: true, fast });
      await px.waitForFrame(new RegExp(`Value for ${name}`));
      await px.type(canary(fast ? 3 : 2));
      await px.press('enter');
      const created = await px.done;
      const again = startPx(['secret', 'create', name], { cwd: project.root, env, interactive: true, fast });
      await again.waitForFrame(/already exists/);
      await again.type('n');
      await again.press('enter');
      const kept = await again.done;
      results.push([created.code, created.stdout, created.stderr, kept.code, kept.stdout, kept.stderr].map((part) => (typeof part === 'string' ? part.replaceAll(name, 'NAME') : part)));
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[0][0]).toBe(0);
    expect((await server.store.values()).get('PROMPTED_FAST')).toBe(canary(3));
  });
});
