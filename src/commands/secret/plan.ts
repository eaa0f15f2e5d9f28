import { UsageError } from '../../core/errors.js';
import { checkTier } from '../../core/manifest/manifest.js';
import { planRows, type PlanRow } from '../../core/manifest/plan.js';
import { line, type Io } from '../../cli/io.js';
import { openSecrets, projectOf, type GlobalArgs } from '../../cli/project-target.js';
import { readStoredState } from './stored-state.js';

interface PlanArgs extends GlobalArgs {
  tier?: string;
  json?: boolean;
}

/** `px secret plan --tier T`: each manifest secret's class, the tier's strategy and whether it is present. */
export async function planSecrets(io: Io, args: PlanArgs): Promise<number> {
  if (args.tier === undefined || args.tier === '') throw new UsageError('px secret plan needs --tier, e.g. `px secret plan --tier desktop`.');
  const known = projectOf(io, args);
  checkTier(known.manifest, args.tier);
  const session = await openSecrets(io, args, known);
  const { backend, target, project, env } = session;
  const names = new Set((await readStoredState(session, { values: false })).stored.keys());
  const rows = planRows(project.manifest.secrets.values(), env.name, args.tier, (name) => names.has(name));
  if (args.json) {
    line(io.stdout, JSON.stringify({ target: backend.label, env: env.name, tier: args.tier, secrets: rows }));
    return 0;
  }
  printPlan(io, `${target} · tier ${args.tier}`, rows);
  return 0;
}

function printPlan(io: Io, heading: string, rows: PlanRow[]): void {
  line(io.stdout, `Target: ${heading}`);
  if (rows.length === 0) {
    line(io.stdout, 'This project declares no secrets: add them to px.config.json (`px secret template --format json` starts one).');
    return;
  }
  const width = Math.max(4, ...rows.map((row) => row.name.length));
  line(io.stdout, `${'NAME'.padEnd(width)}  ${'CLASS'.padEnd(21)}  ${'STRATEGY'.padEnd(8)}  PRESENT`);
  for (const row of rows) {
    const present = row.present ? 'yes' : row.required && (row.strategy === 'generate' || row.strategy === 'prompt') ? 'no (required)' : 'no';
    line(io.stdout, `${row.name.padEnd(width)}  ${row.class.padEnd(21)}  ${row.strategy.padEnd(8)}  ${present}`);
  }
  line(io.stdout, `${rows.length} ${rows.length === 1 ? 'secret' : 'secrets'}`);
}

