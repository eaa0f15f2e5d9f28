import { basename } from 'node:path';
import { UsageError } from '../core/errors.js';
import { filesToScan, scanFiles, type FileHit } from '../core/scan/file-scan.js';
import { gitRoot, historyAdditions, stagedAdditions, type AddedLines } from '../core/scan/git-sources.js';
import { DEFAULT_NAMESPACE } from '../core/store-format.js';
import { heldValues, type HeldOrigin } from '../core/scan/held-values.js';
import { hookScript, installHook } from '../core/scan/pre-commit-hook.js';
import { ValueFinder } from '../core/scan/value-finder.js';
import { line, warn, type Io } from '../cli/io.js';
import { count } from '../cli/plural.js';
import { projectOf, type GlobalArgs } from '../cli/project-target.js';

interface ScanArgs extends GlobalArgs {
  paths?: string[];
  staged?: boolean;
  history?: boolean;
  json?: boolean;
  installHook?: boolean;
}

export interface Finding {
  path: string;
  line: number;
  name: string;
  commit?: string;
}

/** A path as the terminal shows it: no control characters (a file name may hold any). */
const plain = (text: string): string => text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');

/** `px scan`: where a value px holds occurs (files, staged changes, history), by name, never the value. */
export async function scanProject(io: Io, given: ScanArgs): Promise<number> {
  const args = { ...given, paths: given.paths ?? [] };
  const project = projectOf(io, args);
  if (args.installHook) return installPreCommit(io, project.root, args);
  if ([args.staged, args.history, args.paths.length > 0].filter(Boolean).length > 1) {
    throw new UsageError('px scan takes one of PATH…, --staged or --history at a time.');
  }
  const held = await heldValues({ root: project.root, cwd: io.cwd, env: io.env, keychain: io.keychain?.(), warn: (text) => warn(io, text) });
  const finder = new ValueFinder(held.values);
  if (finder.size === 0) {
    if (args.json) line(io.stdout, JSON.stringify({ findings: [] }));
    else line(io.stderr, 'px scan: px holds no values of 4 characters or more for this project, so there is nothing to look for.');
    return 0;
  }
  const findings: Finding[] = [];
  let scanned: string;
  if (args.staged || args.history) {
    const root = gitRoot(io.cwd);
    if (root === null) throw new UsageError(`px scan ${args.staged ? '--staged' : '--history'} needs a git repository.`);
    const commits = new Set<string>();
    const paths = new Set<string>();
    const onAdded = (added: AddedLines): void => {
      paths.add(added.path);
      for (const hit of finder.find(added.text, added.firstLine)) findings.push({ path: added.path, line: hit.line, name: hit.name, ...(added.commit ? { commit: added.commit } : {}) });
    };
    if (args.staged) await stagedAdditions(root, onAdded);
    else await historyAdditions(root, onAdded, (sha) => commits.add(sha));
    scanned = args.staged ? `the staged changes (${count(paths.size, 'file')})` : `${count(commits.size, 'commit')} reachable from HEAD`;
  } else {
    const files = filesToScan(io.cwd, project.root, args.paths);
    const result = scanFiles(io.cwd, files, finder);
    findings.push(...result.hits.map(({ path, line, name }: FileHit) => ({ path, line, name })));
    scanned = `${count(result.files, 'file')}${result.binaries > 0 ? ` (${result.binaries} binary skipped)` : ''}`;
  }
  // The finder names each value by its origin's key: found keys, then the names users read.
  const found = [...new Set(findings.map((f) => f.name))].map((key) => held.origins.get(key)!);
  const unique = dedupe(findings.map((f) => ({ ...f, name: held.origins.get(f.name)!.name })));
  if (args.json) line(io.stdout, JSON.stringify({ findings: unique }));
  else {
    for (const f of unique) line(io.stdout, `${plain(f.path)}:${f.line} ${f.name}${f.commit ? ` (commit ${f.commit.slice(0, 12)})` : ''}`);
    const what = `${count(finder.size, 'held value')} from ${held.sources.join(' and ')}`;
    if (unique.length === 0) line(io.stderr, `px scan: no held value found in ${scanned} (looked for ${what}).`);
    else {
      line(io.stderr, `px scan: ${count(unique.length, 'finding')} in ${scanned} (looked for ${what}).`);
      for (const text of whatToDo(found, unique.some((f) => f.commit))) line(io.stderr, text);
    }
  }
  return unique.length > 0 ? 1 : 0;
}

/** What to do next: remove the values, and replace each one found, since a pushed value is out
 *  (the rotation in the environment that holds it). */
export function whatToDo(found: HeldOrigin[], fromHistory: boolean): string[] {
  const lines = ['Remove each value from those files. A value that was ever pushed or shared is no longer secret: replace it.'];
  const secrets = found.filter((origin) => origin.env !== undefined);
  for (const { name, env } of secrets) lines.push(`  px secret rotate ${name}${env === DEFAULT_NAMESPACE ? '' : ` --env ${env}`}      (the old value stays in its history)`);
  for (const { name } of found.filter((origin) => origin.env === undefined)) lines.push(`  ${name}: revoke it at its provider, then px creds set ${name}`);
  if (!fromHistory) lines.push('px scan --history looks through past commits too.');
  return lines;
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.commit ?? ''}\0${f.path}\0${f.line}\0${f.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

async function installPreCommit(io: Io, root: string, args: ScanArgs & { paths: string[] }): Promise<number> {
  if (args.staged || args.history || args.paths.length > 0) throw new UsageError('px scan --install-hook takes no PATH, --staged or --history.');
  // The hook calls this very px (the same Node and launcher), so it works without px on PATH;
  // when px was not started by its launcher, the hook finds px on PATH.
  const script = process.argv[1] ?? '';
  const launcher = /^px(\.cjs)?$/.test(basename(script)) ? script : '';
  const { path, outcome } = await installHook(root, hookScript({ node: process.execPath, launcher, root }));
  line(io.stdout, `Pre-commit hook ${outcome}: ${path}. A commit that adds a value px holds is now refused (git commit --no-verify skips it).`);
  return 0;
}
