import { unlink } from 'node:fs/promises';
import type { SecretEntry } from '../../core/backend.js';
import { readImportEntries, type ImportSource } from '../../core/dotenv.js';
import { Cancelled, Declined, PxError, UsageError } from '../../core/errors.js';
import type { Manifest } from '../../core/manifest/types.js';
import { DEPLOY_FILE, isSecretsFile, runtimeSecretNames } from '../../core/examples.js';
import { checkPlaintextIgnored } from '../../cli/plaintext-ignore-check.js';
import { line, warn, type Io } from '../../cli/io.js';
import { askConfirm, withKeystrokesHeld } from '../../cli/prompts.js';
import { importedLine, importQuestion, importSource, printPreview } from '../secret/import.js';
import { count } from '../../cli/plural.js';
import { openCredentials, type GlobalArgs } from '../../cli/project-target.js';
import { runtimeRefusal } from './set.js';

interface ImportArgs extends GlobalArgs {
  file?: string;
  yes?: boolean;
  force?: boolean;
  removeFile?: boolean;
}

/** Parses and checks the whole file before anything is stored; every problem is reported by line. */
export function readCredentialsFile(path: ImportSource, shownAs: string, root: string, manifest?: Manifest): { entries: SecretEntry[]; warnings: string[] } {
  if (typeof path === 'string' && isSecretsFile(path)) {
    throw new UsageError(`${shownAs} holds runtime secrets: send them to the endpoint with \`px secret import ${shownAs}\`, not to the keychain.`);
  }
  const runtimeNames = runtimeSecretNames(root, manifest);
  return readImportEntries(path, shownAs, (name) => runtimeRefusal(name, runtimeNames));
}

/** Keys typed before the question shows must not answer it, nor be echoed. */
export async function importCredentials(io: Io, args: ImportArgs): Promise<number> {
  return withKeystrokesHeld(io, () => importFromFile(io, args));
}

async function importFromFile(io: Io, args: ImportArgs): Promise<number> {
  const { project, creds } = openCredentials(io, args);
  const { path, shownAs } = await importSource(io, args.file, project.root, DEPLOY_FILE);
  const { entries, warnings } = readCredentialsFile(path, shownAs, project.root, project.manifest);
  for (const warning of warnings) warn(io, warning);
  // One rule for both imports: the preview names every replacement and one confirmation, or
  // --yes, covers it all (--force, from before the rule, means the same as --yes).
  const confirmed = Boolean(args.yes || args.force);
  if (!confirmed && !io.interactive) {
    throw new UsageError(`Importing ${count(entries.length, 'credential')} needs confirmation and this run cannot prompt: pass --yes.`);
  }
  const existing = new Set(await creds.names());
  const items = entries.map((entry) => ({ name: entry.name, action: existing.has(entry.name) ? ('update' as const) : ('create' as const) }));
  const updates = items.filter((item) => item.action === 'update').length;
  await checkPlaintextIgnored(io, project.root, { extra: typeof path === 'string' ? path : undefined });
  if (io.interactive) (await io.ui()).importPreview({ target: creds.label, file: shownAs, items, dryRun: false });
  else printPreview(io, creds.label, shownAs, items, false);
  if (!confirmed && !(await askConfirm(io, importQuestion(entries.length, 'credential', `the ${creds.label}`, updates)))) {
    throw new Declined('Import cancelled; nothing was stored.');
  }
  const stored: string[] = [];
  for (const entry of entries) {
    try {
      await creds.set(entry.name, entry.value);
    } catch (error) {
      if (stored.length === 0 || !(error instanceof PxError)) throw error;
      const rest = entries.slice(stored.length).map((item) => item.name);
      throw new PxError(error.kind, error.message, { details: [`stored before the failure: ${stored.join(', ')}`, `not stored: ${rest.join(', ')}`], cause: error });
    }
    stored.push(entry.name);
  }
  line(io.stdout, importedLine(entries.length, `the ${creds.label}`, { created: entries.length - updates, updated: updates }));
  // Nothing to delete when the credentials came through a pipe.
  if (typeof path === 'string') await offerRemoval(io, path, shownAs, Boolean(args.removeFile));
  return 0;
}

/** The plaintext file is no longer needed: delete it when asked to (the prompt defaults to No). */
async function offerRemoval(io: Io, path: string, shownAs: string, removeFile: boolean): Promise<void> {
  let remove = removeFile;
  if (!remove && io.interactive) {
    // The import is done whatever the answer: Ctrl+C or Esc here only keeps the file (exit 0).
    remove = await askConfirm(io, `Delete the plaintext ${shownAs} now? Its credentials are in the keychain.`).catch((error: unknown) => {
      if (error instanceof Cancelled) return false;
      throw error;
    });
  }
  if (remove) {
    await unlink(path);
    line(io.stdout, `Deleted ${shownAs}.`);
  } else {
    line(io.stderr, `${shownAs} still holds the credentials in plaintext: delete it once you no longer need it (or import with --remove-file).`);
  }
}
