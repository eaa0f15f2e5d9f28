// What the full-screen manager (`px ui`) shows and can do, as plain data and promises. The command
// builds these from the store, the keychain and the manifest; the components only render them,
// so they never touch a store, a file or the network themselves.
import type { SetupActions } from './setup-model.js';

export type PaneId = 'secrets' | 'credentials';

/**
 * `missing` is a required secret that is not stored: setup (`s`) is for it. An optional one that
 * is not stored is `optional, not set`, as `px setup` and `px secret list` say it.
 */
export type RowStatus = 'configured' | 'missing' | 'optional, not set' | 'stale' | 'invalid' | 'generated' | 'not in manifest';

export interface ManagerRow {
  name: string;
  /** ISO 8601; absent for a missing secret, and for a credential px did not set (the keychain keeps no times). */
  updatedAt?: string;
  /** Absent when the project declares nothing to compare with. */
  status?: RowStatus;
  /** The manifest can generate a value for it (`g`). */
  generated?: boolean;
  /** For an admin: the names of the service tokens that may read it (never a token). */
  readers?: string[];
}

export interface PaneData {
  /** Where these live, in one short line: `local store (.px)`, an endpoint URL, `OS keychain (…)`. */
  label: string;
  rows: ManagerRow[];
  /** What the target could not do, said as px says errors (never a value); rows are then empty. */
  error?: string;
  /** True when the caller may know which tokens read each secret (an admin): rows carry `readers`. */
  readers?: boolean;
}

/** The detail line for the selected secret, for an admin: which service tokens may read it. */
export function readersLine(row: ManagerRow | undefined): string {
  if (!row) return '';
  const readers = row.readers ?? [];
  return readers.length > 0 ? `${row.name} is readable by ${readers.join(', ')}` : `${row.name}: no service token may read it`;
}

export interface ImportItem {
  name: string;
  action: 'create' | 'update' | 'unchanged';
}

export interface ImportPlan {
  file: string;
  items: ImportItem[];
  warnings: string[];
}

export interface HistoryEntry {
  version: number;
  createdAt: string;
  by?: string;
  /** "current", "rotation", "rollback to 3", as `px secret history` says it. */
  note?: string;
}

export interface ManagerActions {
  /** Environments the switcher offers, the current one included. */
  environments: string[];
  load(env: string): Promise<Record<PaneId, PaneData>>;
  /** Why NAME cannot go in this pane (invalid, or belongs in the other one), or null. */
  checkName(pane: PaneId, name: string): string | null;
  /** Why this value cannot be stored under NAME (its format, empty, too large…), or null. Never quotes it. */
  checkValue(pane: PaneId, name: string, value: string, env: string): string | null;
  /** NAME's format in this pane and environment, with its check (the manifest's sentence, never the value); undefined without one. */
  formatOf?(pane: PaneId, name: string, env: string): { format: string; problem: (value: string) => string | null } | undefined;
  /** False for configuration that is not secret (`sensitive: false`): its value prompt shows what is typed. */
  sensitive?(pane: PaneId, name: string, env: string): boolean;
  save(pane: PaneId, name: string, value: string, env: string): Promise<'created' | 'updated'>;
  /** Generates NAME from its generator; resolves with the length of the new value. */
  generate(name: string, env: string): Promise<{ length: number }>;
  remove(pane: PaneId, name: string, env: string): Promise<void>;
  /** The file `i` offers first: `.env.secrets` or `.env.deploy`. */
  importFile(pane: PaneId): string;
  previewImport(pane: PaneId, file: string, env: string): Promise<ImportPlan>;
  applyImport(pane: PaneId, plan: ImportPlan, env: string): Promise<{ created: number; updated: number }>;
  /** Absent when the target keeps no versions. */
  history?(name: string, env: string): Promise<HistoryEntry[]>;
  /** The setup steps for what is missing in `env`. */
  setup(env: string): Promise<SetupActions>;
}

/** Whether the row is a stored one (a declared one that is not stored has nothing to replace, delete or show the history of). */
export function isStored(row: ManagerRow): boolean {
  return row.status !== 'missing' && row.status !== 'optional, not set';
}

/** Rows whose name contains `filter`, ignoring case; the same rows when the filter is empty. */
export function filterRows(rows: ManagerRow[], filter: string): ManagerRow[] {
  if (filter === '') return rows;
  const wanted = filter.toLowerCase();
  return rows.filter((row) => row.name.toLowerCase().includes(wanted));
}

/** "just now", "5 min ago", "3 h ago", "2 days ago", then the local date: short enough for 70 columns. */
export function relativeTime(iso: string | undefined, now: Date): string {
  if (!iso) return '—';
  const then = new Date(iso);
  const seconds = Math.round((now.getTime() - then.getTime()) / 1000);
  if (Number.isNaN(seconds)) return '—';
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  const days = Math.floor(seconds / 86_400);
  if (days < 30) return days === 1 ? '1 day ago' : `${days} days ago`;
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${then.getFullYear()}-${pad(then.getMonth() + 1)}-${pad(then.getDate())}`;
}

export const UPDATED_WIDTH = 12;
export const STATUS_WIDTH = 17;

/** `text` cut to `width` columns with an ellipsis, or padded to it: a row never wraps. */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length <= width) return text.padEnd(width);
  return `${text.slice(0, Math.max(0, width - 1))}…`;
}

/** One row as it is drawn in `columns` columns (the marker's two columns included). */
export function rowText(row: ManagerRow, columns: number, now: Date): { name: string; updated: string; status: string } {
  // The last column is left free: writing into it makes some terminals wrap.
  const nameWidth = Math.max(8, columns - 1 - 2 - UPDATED_WIDTH - 2 - STATUS_WIDTH - 2);
  // A stale row is marked as `px secret list` marks it, so it stands out without colour too.
  const status = row.status === 'stale' ? '! stale' : (row.status ?? '');
  return { name: fit(row.name, nameWidth), updated: fit(relativeTime(row.updatedAt, now), UPDATED_WIDTH), status: fit(status, STATUS_WIDTH) };
}
