// What the fast path's read-only commands load of Node: each built-in module costs start-up time
// (README, Performance), so these runs of the built px record the built-ins they loaded (Node's
// process.moduleLoadList, written at exit by a preloaded script) and must not reach for the ones
// they do not need.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { canary, tempProject, type TempProject } from '../helpers/project.js';

const PX = join(import.meta.dirname, '..', '..', 'bin', 'px.cjs');
let project: TempProject;
let preload: string;

beforeAll(() => {
  project = tempProject();
  preload = join(project.root, '..', 'record-modules.cjs');
  writeFileSync(
    preload,
    "process.on('exit', () => require('node:fs').writeFileSync(process.env.MODULES_OUT, JSON.stringify(process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13)))));\n",
  );
  const created = spawnSync('node', [PX, 'secret', 'create', 'LOADED_PROBE'], { cwd: project.root, env: project.env, input: `${canary(1)}\n`, encoding: 'utf8' });
  expect(created.status, created.stderr).toBe(0);
});
afterAll(() => project.cleanup());

/** The built-ins one run loaded, with stdout and stderr on pipes and stdin empty, as scripts run px. */
function builtinsOf(args: string[], env: NodeJS.ProcessEnv = {}): string[] {
  const out = join(project.root, '..', 'modules.json');
  const run = spawnSync('node', ['-r', preload, PX, ...args], { cwd: project.root, env: { ...project.env, ...env, MODULES_OUT: out }, input: '', encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(readFileSync(out, 'utf8')) as string[];
}

it.each(['secret list --json', 'secret exists LOADED_PROBE'])('px %s on the local store reads it without promise-based files, sockets or a terminal', (command) => {
  const loaded = builtinsOf(command.split(' '));
  // It did read the store: the crypto is there.
  expect(loaded).toContain('crypto');
  for (const unneeded of ['fs/promises', 'net', 'tty', 'http', 'readline', 'child_process', 'module']) expect(loaded).not.toContain(unneeded);
});
