import { ageText } from '../../core/credential-times.js';
import { isStale } from '../../core/manifest/plan.js';
import { DEPLOY_EXAMPLE, readExampleNames } from '../../core/examples.js';
import { line, type Io } from '../../cli/io.js';
import { openCredentials, type GlobalArgs } from '../../cli/project-target.js';
import { onboardingRows } from '../secret/list.js';

interface ListArgs extends GlobalArgs {
  json?: boolean;
}

const STATUS_TEXT = { configured: 'stored', missing: 'missing', extra: 'not in example' } as const;

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
  const exampleFile = expected ? DEPLOY_EXAMPLE : undefined;
  if (io.interactive) {
    (await io.ui()).credentialTable({ target: creds.label, rows, count: names.length, exampleFile, staleNote: staleNote(stale) });
    return 0;
  }
  line(io.stdout, `Target: ${creds.label}`);
  if (names.length === 0) {
    line(io.stdout, 'No deploy credentials for this project yet. Add one with `px creds set NAME` or import .env.deploy with `px creds import`.');
  }
  const width = Math.max(4, ...rows.map((row) => row.name.length));
  // The age since px last set it: how long ago it was rotated, as far as px knows.
  const ageWidth = Math.max(3, ...rows.map((row) => ageCell(row).length));
  if (rows.length > 0) line(io.stdout, `${'NAME'.padEnd(width)}  ${'AGE'.padEnd(ageWidth)}${expected ? '  STATUS' : ''}`.trimEnd());
  for (const row of rows) line(io.stdout, `${row.name.padEnd(width)}  ${ageCell(row).padEnd(ageWidth)}${row.status ? `  ${STATUS_TEXT[row.status]}` : ''}`.trimEnd());
  const count = `${names.length} ${names.length === 1 ? 'credential' : 'credentials'}`;
  line(io.stdout, `${count}${missing.length > 0 ? `, ${missing.length} from ${exampleFile} missing` : ''}${staleNote(stale)}`);
  return 0;
}

/** The AGE column: how long ago px set it, and `stale` past the manifest's rotateAfterDays. */
const ageCell = (row: { age?: string; stale?: boolean }): string => `${row.age ?? '-'}${row.stale ? ', stale' : ''}`;

/** What the count line adds for stale credentials: which ones, and how to replace them. */
export function staleNote(stale: string[]): string {
  if (stale.length === 0) return '';
  if (stale.length === 1) return `, 1 stale: replace it with \`px creds set ${stale[0]} --force\``;
  return `, ${stale.length} stale (${stale.join(', ')}): replace each with \`px creds set NAME --force\``;
}
