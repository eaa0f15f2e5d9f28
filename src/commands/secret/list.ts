import { manifestSecret, storedStatus } from '../../core/manifest/manifest.js';
import { heldByPx, strategyFor, type SecretStatus } from '../../core/manifest/plan.js';
import { line, type Io } from '../../cli/io.js';
import { openSecrets, type GlobalArgs } from '../../cli/project-target.js';
import { declaredIn, readStoredState } from './stored-state.js';
import { count } from '../../cli/plural.js';
import { plainLines, timeText, type TableView, type Tone } from '../../../components/table-model.js';

interface ListArgs extends GlobalArgs {
  json?: boolean;
}

export type Status = 'configured' | 'missing' | 'extra';
export interface ListRow {
  name: string;
  createdAt?: string;
  updatedAt?: string;
  /** An optional secret that is not stored is not `missing`: nothing fails without it. */
  status?: SecretStatus | 'optional, not set';
  /** For an admin: the service tokens that may read it. */
  readers?: string[];
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
  const found: { readers: Map<string, string[]> | null } = { readers: null };
  // After the list, so a refused token is told by the list itself.
  const alsoRead = args.json
    ? undefined
    : async (): Promise<void> => {
        const { readersFor } = await import('../../core/access/readers.js');
        found.readers = await readersFor(backend, project.root);
      };
  const state = await readStoredState(session, { values: true, alsoRead });
  const { manifest } = project;
  const now = Date.now();
  const stored: ListRow[] = [];
  for (const meta of state.stored.values()) {
    const { name } = meta;
    stored.push({ name, createdAt: meta.createdAt, updatedAt: meta.updatedAt, status: storedStatus(manifest, name, env.name, meta, state.values?.get(name), now) });
  }
  const missing: string[] = [];
  for (const name of manifest.secrets.keys()) if (!state.stored.has(name)) missing.push(name);
  missing.sort();
  if (args.json) {
    line(io.stdout, JSON.stringify({ target: backend.label, env: env.name, secrets: stored, missing, count: stored.length }));
    return 0;
  }
  const absent = (name: string): ListRow => ({ name, status: manifestSecret(manifest, name, env.name)?.required === false ? 'optional, not set' : 'missing' });
  // A secret the app fetches itself (remote_fetch) is not px's to hold: absent, it is not missing
  // (as in px ui); `--json`'s `missing` still names every declared name that is not stored.
  const heldHere = (name: string): boolean => heldByPx(strategyFor(manifest.secrets.get(name)!));
  const rows: ListRow[] = [...stored, ...missing.filter(heldHere).map(absent)].sort(byName);
  const { readers } = found;
  if (readers && readers.size > 0) for (const row of rows) row.readers = readers.get(row.name) ?? [];
  const staleNote = staleSecretsNote(rows.filter((row) => row.status === 'stale').map((row) => row.name));
  const view = secretListView(target, rows, stored.length, declaredIn(session), io.interactive, new Date(now), staleNote);
  if (io.interactive) (await io.ui()).table(view);
  else for (const text of plainLines(view)) line(io.stdout, text);
  return 0;
}

const STATUS_TONE: Record<NonNullable<ListRow['status']>, Tone> = { configured: 'good', missing: 'bad', 'optional, not set': 'dim', stale: 'warn', invalid: 'bad', 'not in manifest': 'dim' };

/** The one view of `px secret list`, for the terminal and for a pipe. */
export function secretListView(target: string, rows: ListRow[], stored: number, exampleFile: string | undefined, terminal: boolean, now: Date, staleNote = ''): TableView {
  const missing = rows.filter((row) => row.status === 'missing').length;
  const optional = rows.filter((row) => row.status === 'optional, not set').length;
  const withReaders = rows.some((row) => row.readers !== undefined);
  return {
    title: `Target: ${target}`,
    header: ['NAME', 'CREATED', 'UPDATED', ...(exampleFile ? ['STATUS'] : []), ...(withReaders ? ['READABLE BY'] : [])],
    rows: rows.map((row) => [
      { text: row.name },
      { text: timeText(row.createdAt, terminal, now) },
      { text: timeText(row.updatedAt, terminal, now) },
      ...(exampleFile ? [{ text: row.status ?? '', tone: row.status ? STATUS_TONE[row.status] : undefined }] : []),
      ...(withReaders ? [{ text: row.readers?.length ? row.readers.join(', ') : '-' }] : []),
    ]),
    empty: stored === 0 ? 'No secrets yet. Add one with `px secret create NAME`, import a file with `px secret import`, or run `px setup`.' : undefined,
    footer: `${count(stored, 'secret')}${missing > 0 ? `, ${missing} from ${exampleFile} missing` : ''}${optional > 0 ? `, ${optional} optional not set` : ''}${staleNote}`,
  };
}

/** What the count line adds for stale secrets: which ones, and how to rotate them. */
export function staleSecretsNote(stale: string[]): string {
  if (stale.length === 0) return '';
  if (stale.length === 1) return `, 1 stale: rotate it with \`px secret rotate ${stale[0]}\``;
  return `, ${stale.length} stale (${stale.join(', ')}): rotate each with \`px secret rotate NAME\``;
}
