import { NotFound } from '../../core/errors.js';
import { handoutsOf, type Handout } from '../../core/handout-log.js';
import { assertValidName } from '../../core/names.js';
import { versionNote, type VersionMeta } from '../../core/secret-versions.js';
import { line, type Io } from '../../cli/io.js';
import { openSecrets, type GlobalArgs } from '../../cli/project-target.js';
import { count } from '../../cli/plural.js';
import { plainLines, timeText, type Cell, type TableView } from '../../../components/table-model.js';

interface HistoryArgs extends GlobalArgs {
  name: string;
  json?: boolean;
}

/** What an audit line or an endpoint gave, as plain text for the terminal. */
const plain = (text: string): string => text.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g, '?');

/** `px secret history NAME`: its versions (never a value) and where it was handed out. */
export async function secretHistory(io: Io, args: HistoryArgs): Promise<number> {
  assertValidName(args.name, 'find');
  const { backend, target, project } = await openSecrets(io, args);
  let versions: VersionMeta[] = [];
  let absent: NotFound | undefined;
  try {
    versions = await backend.versions(args.name);
  } catch (error) {
    if (!(error instanceof NotFound)) throw error;
    absent = error;
  } finally {
    await backend.close?.();
  }
  // Hand-outs are recorded by this project's `px run` and `px deploy`, whatever the target.
  const handouts = await handoutsOf(project.root, args.name);
  // A deleted secret, or a deploy credential: its hand-outs still say where it went.
  if (absent && handouts.length === 0) throw absent;
  if (args.json) {
    line(io.stdout, JSON.stringify({ target, name: args.name, versions, handouts: handouts.map(({ kind: _kind, ...rest }) => rest) }));
    return 0;
  }
  const terminal = Boolean(io.stdout.isTTY);
  const columns = terminal ? (io.stdout as { columns?: number }).columns || 80 : undefined;
  for (const text of plainLines(historyView(target, args.name, versions, handouts, terminal, new Date()), columns)) line(io.stdout, text);
  return 0;
}

/** The one view of `px secret history NAME`: its versions, then where it was handed out. */
export function historyView(target: string, name: string, versions: VersionMeta[], handouts: Handout[], terminal: boolean, now: Date): TableView {
  const rows: Cell[][] = versions.map((v) => {
    return [{ text: String(v.version) }, { text: timeText(v.createdAt, terminal, now) }, { text: plain(v.by) }, { text: versionNote(v) }];
  });
  const handedOut = handouts.map((h) => `${timeText(plain(h.time), terminal, now)}  px ${h.via === 'deploy' ? 'deploy' : 'run'}  ${plain(h.env)}  → ${plain(h.command)}  by ${plain(h.by)}`);
  const footer = `${count(versions.length, 'version')} kept, ${count(handouts.length, 'hand-out')} recorded`;
  return {
    title: `${name} · ${target}`,
    header: ['VERSION', 'WRITTEN', 'BY', 'NOTE'],
    rows,
    empty: versions.length === 0 ? `No versions: ${name} is not in ${target} (deleted, or not a runtime secret).` : undefined,
    footer: handedOut.length > 0 ? ['', 'Handed out (newest first):', ...handedOut, footer].join('\n') : footer,
  };
}
