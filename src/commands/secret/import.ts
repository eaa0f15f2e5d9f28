import { relative, resolve } from 'node:path';
import type { SecretEntry, SecretsBackend } from '../../core/backend.js';
import { readImportEntries, type ImportSource } from '../../core/dotenv.js';
import { MAX_BODY_BYTES } from '../../core/limits.js';
import { readPipedBytes } from '../../core/stdin.js';
import { Declined, UsageError } from '../../core/errors.js';
import { deployCredentialNames, isDeployFile, SECRETS_FILE } from '../../core/examples.js';
import { chunkEntries } from '../../core/chunks.js';
import { line, warn, type Io } from '../../cli/io.js';
import { count, grouped } from '../../cli/plural.js';
import { checkPlaintextIgnored } from '../../cli/plaintext-ignore-check.js';
import { askConfirm, withKeystrokesHeld } from '../../cli/prompts.js';
import { environmentOf, openSecrets, projectOf, type GlobalArgs } from '../../cli/project-target.js';
import { checkValue, DEFAULT_ENV } from '../../core/manifest/manifest.js';
import type { Manifest } from '../../core/manifest/types.js';

interface ImportArgs extends GlobalArgs {
  file?: string;
  yes?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

type Action = 'create' | 'update';

/** Parses and checks the whole file before anything is sent; every problem is reported by line. */
export function readImportFile(path: ImportSource, shownAs: string, root: string, manifest?: Manifest, env: string = DEFAULT_ENV): { entries: SecretEntry[]; warnings: string[] } {
  if (typeof path === 'string' && isDeployFile(path)) {
    throw new UsageError(`${shownAs} holds deploy credentials: store them in the keychain with \`px creds import ${shownAs}\`.`);
  }
  const deployNames = deployCredentialNames(root, manifest);
  const result = readImportEntries(path, shownAs, (name, value) => {
    if (deployNames.has(name)) return `${name} is a deploy credential: keep it in .env.deploy and use \`px creds import\``;
    return manifest ? checkValue(manifest, env, name, value).problem : null;
  });
  if (manifest) {
    for (const entry of result.entries) {
      result.warnings.push(...checkValue(manifest, env, entry.name, entry.value).warnings);
    }
    const unknown = result.entries.filter((entry) => !manifest.secrets.has(entry.name)).map((entry) => entry.name);
    if (unknown.length > 0 && manifest.source === 'px.config.json') {
      result.warnings.push(`${unknown.length > 5 ? `${unknown.slice(0, 5).join(', ')} and ${unknown.length - 5} more` : unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not in px.config.json's secrets`);
    }
  }
  return result;
}

async function send(io: Io, backend: SecretsBackend, entries: SecretEntry[]): Promise<{ created: number; updated: number }> {
  const chunks = chunkEntries(entries, backend.bulkLimit);
  const total = { created: 0, updated: 0 };
  const progress = chunks.length > 1 && io.interactive ? (await io.ui()).progress({ label: 'Importing', total: entries.length }) : undefined;
  try {
    for (const chunk of chunks) {
      const result = await backend.bulkPut(chunk);
      total.created += result.created;
      total.updated += result.updated;
      progress?.advance(chunk.length);
    }
  } finally {
    progress?.done();
  }
  return total;
}

/** Keys typed before the question shows must not answer it, nor be echoed. */
export async function importSecrets(io: Io, args: ImportArgs): Promise<number> {
  return withKeystrokesHeld(io, () => importFromFile(io, args));
}

async function importFromFile(io: Io, args: ImportArgs): Promise<number> {
  const project = projectOf(io, args);
  const { path, shownAs } = await importSource(io, args.file, project.root, SECRETS_FILE);
  const env = environmentOf(io, args, project);
  const { entries, warnings } = readImportFile(path, shownAs, project.root, project.manifest, env.name);
  for (const warning of warnings) warn(io, warning);
  if (!args.yes && !args.dryRun && !io.interactive) {
    throw new UsageError(`Importing ${count(entries.length, 'secret')} needs confirmation and this run cannot prompt: pass --yes (or --dry-run to preview).`);
  }
  const { backend, target } = await openSecrets(io, args, project);
  try {
    const existing = new Set((await backend.list()).map((secret) => secret.name));
    await checkPlaintextIgnored(io, project.root, { extra: typeof path === 'string' ? path : undefined, prompt: !args.json && !args.dryRun });
    const items = entries.map((entry) => ({ name: entry.name, action: (existing.has(entry.name) ? 'update' : 'create') as Action }));
    const json = (extra: object): void => line(io.stdout, JSON.stringify({ target, file: shownAs, dryRun: Boolean(args.dryRun), secrets: items, ...extra }));
    if (args.json && args.dryRun) {
      json({ created: 0, updated: 0 });
      return 0;
    }
    if (!args.json) {
      if (io.interactive) (await io.ui()).importPreview({ target, file: shownAs, items, dryRun: Boolean(args.dryRun) });
      else printPreview(io, target, shownAs, items, Boolean(args.dryRun));
    }
    if (args.dryRun) {
      // A dry run's preview is its result: on stdout when it is plain text, next to the preview.
      line(io.interactive ? io.stderr : io.stdout, 'Dry run: nothing was sent.');
      return 0;
    }
    const updates = items.filter((item) => item.action === 'update').length;
    if (!args.yes && !(await askConfirm(io, importQuestion(entries.length, 'secret', target, updates)))) {
      throw new Declined('Import cancelled; nothing was sent.');
    }
    const result = await send(io, backend, entries);
    if (args.json) json(result);
    else line(io.stdout, importedLine(entries.length, target, result));
    return 0;
  } finally {
    await backend.close?.();
  }
}

/** The one question of both imports: it covers replacing what is stored, so --yes answers it all. */
export function importQuestion(total: number, noun: string, target: string, updates: number): string {
  return `Import ${count(total, noun)} into ${target}${updates > 0 ? `, replacing ${updates}` : ''}?`;
}

export function importedLine(total: number, target: string, result: { created: number; updated: number }): string {
  return `Imported ${grouped(total)} into ${target}: ${result.created} created, ${result.updated} updated.`;
}

/** The preview of an import on a non-interactive run: stderr, as it is not the result, except for a dry run, whose result it is. */
export function printPreview(io: Io, target: string, file: string, items: Array<{ name: string; action: Action }>, dryRun: boolean): void {
  const out = dryRun ? io.stdout : io.stderr;
  const creates = items.filter((item) => item.action === 'create').length;
  // One write for the whole preview: a line per entry is one write(2) each on a pipe, which cost
  // an import of 10,000 entries ~12 ms.
  let text = `Target: ${target}\n${dryRun ? 'Dry run: would import' : 'Importing'} ${items.length} from ${file}: ${creates} to create, ${items.length - creates} to update\n`;
  for (const item of items) text += `  ${item.action} ${item.name}\n`;
  out.write(text);
}

/** The file to import: FILE, `-` for a piped stdin, else the default file at the project root. */
export async function importSource(io: Io, file: string | undefined, root: string, defaultFile: string): Promise<{ path: ImportSource; shownAs: string }> {
  // yargs hands a lone `-` positional over as ''.
  if (file === '-' || file === '') {
    if (io.stdin.isTTY) throw new UsageError('`-` reads the file from a pipe: `px … import - < FILE` or `cat FILE | px … import -`.');
    return { path: { bytes: await readPipedBytes(io.stdin, MAX_BODY_BYTES, 'The file on stdin', `${MAX_BODY_BYTES / 1024 / 1024} MiB`) }, shownAs: 'stdin' };
  }
  const path = file ? resolve(io.cwd, file) : resolve(root, defaultFile);
  return { path, shownAs: file ?? (relative(io.cwd, path) || defaultFile) };
}
