import { ageText } from '../../core/credential-times.js';
import { isStale } from '../../core/manifest/plan.js';
import { DEPLOY_EXAMPLE, readExampleNames } from '../../core/examples.js';
import { line, type Io } from '../../cli/io.js';
import { openCredentials, type GlobalArgs } from '../../cli/project-target.js';
import { onboardingRows } from '../secret/list.js';
import { count } from '../../cli/plural.js';
import { plainLines, type Cell, type TableView } from '../../../components/table-model.js';

interface ListArgs extends GlobalArgs {
  json?: boolean;
}

export async function listCredentials(io: Io, args: ListArgs): Promise<number> {
  const { project, creds } = openCredentials(io, args);
  const names = await creds.names();
  const expected = readExampleNames(project.root, DEPLOY_EXAMPLE);
  const times = creds.setTimes();
  const now = Date.now();
  // `stale` only for a credential whose manifest entry has a rotation period; one set before px
  // kept times has no known age, so it is not called stale.
  const staleOf = (name: string): boolean | undefined => {
    const period = project.manifest.credentials.get(name)?.rotateAfterDays;
    if (period === undefined) return undefined;
    const setAt = times.get(name);
    return setAt !== undefined && isStale({ rotateAfterDays: period }, setAt, now);
  };
  const rows = onboardingRows(names.map((name) => ({ name, age: ageText(times.get(name), now), stale: staleOf(name) === true })), expected);
  const missing = rows.filter((row) => row.status === 'missing').map((row) => row.name);
  const stale = rows.filter((row) => row.stale).map((row) => row.name);
  if (args.json) {
    const credentials = names.map((name) => {
      const isStaleNow = staleOf(name);
      return { name, ...(times.has(name) ? { setAt: times.get(name) } : {}), ...(isStaleNow === undefined ? {} : { stale: isStaleNow }) };
    });
    line(io.stdout, JSON.stringify({ credentials, count: names.length, missing }));
    return 0;
  }
  const view = credentialListView(creds.label, rows, names.length, expected ? DEPLOY_EXAMPLE : undefined, staleNote(stale));
  if (io.interactive) (await io.ui()).table(view);
  else for (const text of plainLines(view)) line(io.stdout, text);
  return 0;
}

const STATUS: Record<'configured' | 'missing' | 'extra', Cell> = {
  configured: { text: 'stored', tone: 'good' },
  missing: { text: 'missing', tone: 'bad' },
  extra: { text: 'not in example', tone: 'dim' },
};

type CredentialRow = { name: string; age?: string; stale?: boolean; status?: keyof typeof STATUS };

/** The one view of `px creds list`: names, the age since px last set each (as far as px knows), and the example file's view. */
export function credentialListView(target: string, rows: CredentialRow[], stored: number, exampleFile?: string, note = ''): TableView {
  const missing = rows.filter((row) => row.status === 'missing').length;
  return {
    title: `Target: ${target}`,
    header: ['NAME', 'AGE', ...(exampleFile ? ['STATUS'] : [])],
    rows: rows.map((row) => [
      { text: row.name },
      { text: ageCell(row), tone: row.stale ? 'warn' : 'dim' },
      ...(exampleFile && row.status ? [STATUS[row.status]] : []),
    ]),
    empty: stored === 0 ? 'No deploy credentials for this project yet. Add one with `px creds set NAME` or import .env.deploy with `px creds import`.' : undefined,
    footer: `${count(stored, 'credential')}${missing > 0 ? `, ${missing} from ${exampleFile} missing` : ''}${note}`,
  };
}

/** The AGE column: how long ago px set it, and `stale` past the manifest's rotateAfterDays. */
const ageCell = (row: { age?: string; stale?: boolean }): string => `${row.age ?? '-'}${row.stale ? ', stale' : ''}`;

/** What the count line adds for stale credentials: which ones, and how to replace them. */
export function staleNote(stale: string[]): string {
  if (stale.length === 0) return '';
  if (stale.length === 1) return `, 1 stale: replace it with \`px creds set ${stale[0]} --force\``;
  return `, ${stale.length} stale (${stale.join(', ')}): replace each with \`px creds set NAME --force\``;
}
