// The project root: nearest px.config.json or .px/ up to the git work-tree root, else that root,
// else the directory px runs in; never past a repository root, the home directory or a
// world-writable directory.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findRoot } from '../../src/core/project.js';
import { tempProject, type TempProject } from '../helpers/project.js';

describe('findRoot', () => {
  let project: TempProject;
  beforeEach(() => {
    project = tempProject();
  });
  afterEach(() => project.cleanup());
  const dir = (...parts: string[]): string => {
    const path = join(project.root, ...parts);
    mkdirSync(path, { recursive: true });
    return path;
  };

  it('finds px.config.json or .px/ in an ancestor, up to the repository root', () => {
    const repo = dir('repo');
    dir('repo', '.git');
    const sub = dir('repo', 'src', 'api');
    expect(findRoot(sub).root).toBe(repo); // the work-tree root, with neither file
    writeFileSync(join(repo, 'src', 'px.config.json'), '{}');
    expect(findRoot(sub)).toEqual({ root: join(repo, 'src'), hasConfig: true });
    dir('repo', 'src', 'api', '.px');
    expect(findRoot(sub)).toEqual({ root: sub, hasConfig: false });
  });

  it('never leaves the work tree: a repository nested in another is its own project', () => {
    writeFileSync(join(dir('outer'), 'px.config.json'), '{}');
    dir('outer', '.git');
    const inner = dir('outer', 'vendor', 'inner');
    writeFileSync(join(inner, '.git'), 'gitdir: ../../.git/modules/inner\n'); // a submodule's .git file
    const sub = dir('outer', 'vendor', 'inner', 'lib');
    expect(findRoot(sub).root).toBe(inner);
  });

  it('outside git: stops below the home directory and at a world-writable directory', () => {
    const home = dir('home');
    dir('home', '.px');
    const proj = dir('home', 'proj', 'sub');
    expect(findRoot(proj, home).root).toBe(proj);
    const shared = dir('shared');
    dir('shared', '.px');
    const mine = dir('shared', 'tmp', 'mine');
    chmodSync(join(project.root, 'shared', 'tmp'), 0o1777);
    expect(findRoot(mine).root).toBe(mine);
    chmodSync(join(project.root, 'shared', 'tmp'), 0o755);
    expect(findRoot(mine).root).toBe(shared);
  });

  it('a .px that is a file does not make a project', () => {
    const repo = dir('repo2');
    dir('repo2', '.git');
    writeFileSync(join(dir('repo2', 'a'), '.px'), 'x');
    expect(findRoot(join(repo, 'a')).root).toBe(repo);
  });
});
