import { manifestSecret } from '../../core/manifest/manifest.js';
import { secretStatus, type SecretStatus } from '../../core/manifest/plan.js';
import { line, type Io } from '../../cli/io.js';
import { openSecrets, type GlobalArgs } from '../../cli/project-target.js';
import { declaredIn, readStoredState } from './stored-state.js';

interface ListArgs extends GlobalArgs {
  json?: boolean;
}

export type Status = 'configured' | 'missing' | 'extra';
export interface ListRow {
  name: string;
  createdAt?: string;
  updatedAt?: string;
  status?: SecretStatus;
}

/**
 * Stored names (`px creds list`), plus the onboarding view when an example file lists the names a
 * project expects: each stored one configured or extra, each absent one missing.
 */
export function onboardingRows<T extends { name: string }>(stored: T[], expected: string[] | null): Array<Partial<T> & { name: string; status?: Status }> {
  if (!expected) return stored;
  const names = new Set(stored.map((item) => item.name));
  const rows: Array<Partial<T> & { name: string; status?: Status }> = stored.map((item) => ({ ...item, status: expected.includes(item.name) ? 'configured' : 'extra' }));
  for (const name of expected) if (!names.has(name)) rows.push({ name, status: 'missing' } as Partial<T> & { name: string; status: Status });
  return rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export async function listSecrets(io: Io, args: ListArgs): Promise<number> {
  const session = await openSecrets(io, args);
  const { backend, target, project, env } = session;
  const state = await readStoredState(session, { values: true });
  const { manifest } = project;
  const now = Date.now();
  const stored: ListRow[] = [...state.stored.values()].map(({ name, createdAt, updatedAt }) => ({
    name,
    createdAt,
    updatedAt,
    status: secretStatus(manifestSecret(manifest, name, env.name), { updatedAt }, state.values?.get(name), now),
  }));
  const missing = [...manifest.secrets.keys()].filter((name) => !state.stored.has(name)).sort();
  if (args.json) {
    line(io.stdout, JSON.stringify({ target: backend.label, env: env.name, secrets: stored, missing, count: stored.length }));
    return 0;
  }
  const rows: ListRow[] = [...stored, ...missing.map((name): ListRow => ({ name, status: 'missing' }))].sort(byName);
  const exampleFile = declaredIn(session);
  const staleNote = staleSecretsNote(rows.filter((row) => row.status === 'stale').map((row) => row.name));
  if (io.interactive) {
    (await io.ui()).secretTable({ target, rows, count: stored.length, exampleFile, staleNote });
    return 0;
  }
  printPlain(io, target, rows, stored.length, exampleFile, staleNote);
  return 0;
}

/** What the count line adds for stale secrets: which ones, and how to rotate them. */
export function staleSecretsNote(stale: string[]): string {
  if (stale.length === 0) return '';
  if (stale.length === 1) return `, 1 stale: rotate it with \`px secret rotate ${stale[0]}\``;
  return `, ${stale.length} stale (${stale.join(', ')}): rotate each with \`px secret rotate NAME\``;
}

function printPlain(io: Io, target: string, rows: ListRow[], count: number, exampleFile: string | undefined, staleNote: string): void {
  line(io.stdout, `Target: ${target}`);
  if (count === 0) line(io.stdout, 'No secrets yet. Add one with `px secret create NAME`, import a file with `px secret import`, or run `px setup`.');
  const width = Math.max(4, ...rows.map((row) => row.name.length));
  const when = (iso?: string): string => (iso ?? '-').padEnd(24);
  if (rows.length > 0) line(io.stdout, `${'NAME'.padEnd(width)}  ${'CREATED'.padEnd(24)}  ${'UPDATED'.padEnd(24)}${exampleFile ? '  STATUS' : ''}`.trimEnd());
  for (const row of rows) {
    const status = exampleFile ? (row.status ?? '') : '';
    line(io.stdout, `${row.name.padEnd(width)}  ${when(row.createdAt)}  ${when(row.updatedAt)}${status ? `  ${status}` : ''}`.trimEnd());
  }
  const missing = rows.filter((row) => row.status === 'missing').length;
  line(io.stdout, `${count} ${count === 1 ? 'secret' : 'secrets'}${missing > 0 ? `, ${missing} from ${exampleFile} missing` : ''}${staleNote}`);
}
