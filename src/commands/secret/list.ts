import type { SecretMeta } from '../../core/backend.js';
import { readExampleNames, SECRETS_EXAMPLE } from '../../core/examples.js';
import { line, type Io } from '../../cli/io.js';
import { openSecrets, type GlobalArgs } from '../../cli/project-target.js';

interface ListArgs extends GlobalArgs {
  json?: boolean;
}

export type Status = 'configured' | 'missing' | 'extra';
export interface ListRow {
  name: string;
  createdAt?: string;
  updatedAt?: string;
  status?: Status;
}

/**
 * Stored names (`px secret list`, `px creds list`), plus the onboarding view when an example file
 * lists the names a project expects: each stored one configured or extra, each absent one missing.
 */
export function onboardingRows<T extends { name: string }>(stored: T[], expected: string[] | null): Array<Partial<T> & { name: string; status?: Status }> {
  if (!expected) return stored;
  const names = new Set(stored.map((item) => item.name));
  const rows: Array<Partial<T> & { name: string; status?: Status }> = stored.map((item) => ({ ...item, status: expected.includes(item.name) ? 'configured' : 'extra' }));
  for (const name of expected) if (!names.has(name)) rows.push({ name, status: 'missing' } as Partial<T> & { name: string; status: Status });
  return rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export async function listSecrets(io: Io, args: ListArgs): Promise<number> {
  const { backend, target, project } = await openSecrets(io, args);
  let secrets: SecretMeta[];
  try {
    secrets = await backend.list();
  } finally {
    await backend.close?.();
  }
  if (args.json) {
    const body = { secrets: secrets.map(({ name, createdAt, updatedAt }) => ({ name, createdAt, updatedAt })), count: secrets.length };
    line(io.stdout, JSON.stringify(body));
    return 0;
  }
  const expected = readExampleNames(project.root, SECRETS_EXAMPLE);
  const rows = onboardingRows(secrets, expected);
  const exampleFile = expected ? SECRETS_EXAMPLE : undefined;
  if (io.interactive) {
    (await io.ui()).secretTable({ target, rows, count: secrets.length, exampleFile });
    return 0;
  }
  printPlain(io, target, rows, secrets.length, exampleFile);
  return 0;
}

function printPlain(io: Io, target: string, rows: ListRow[], count: number, exampleFile?: string): void {
  line(io.stdout, `Target: ${target}`);
  if (count === 0) line(io.stdout, 'No secrets yet. Add one with `px secret create NAME` or import a file with `px secret import`.');
  const width = Math.max(4, ...rows.map((row) => row.name.length));
  const when = (iso?: string): string => (iso ?? '-').padEnd(24);
  if (rows.length > 0) line(io.stdout, `${'NAME'.padEnd(width)}  ${'CREATED'.padEnd(24)}  ${'UPDATED'.padEnd(24)}${exampleFile ? '  STATUS' : ''}`.trimEnd());
  for (const row of rows) {
    const status = row.status === 'extra' ? 'not in example' : (row.status ?? '');
    line(io.stdout, `${row.name.padEnd(width)}  ${when(row.createdAt)}  ${when(row.updatedAt)}${status ? `  ${status}` : ''}`.trimEnd());
  }
  const missing = rows.filter((row) => row.status === 'missing').length;
  line(io.stdout, `${count} ${count === 1 ? 'secret' : 'secrets'}${missing > 0 ? `, ${missing} from ${exampleFile} missing` : ''}`);
}
