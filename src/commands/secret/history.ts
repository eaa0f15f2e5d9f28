import { NotFound } from '../../core/errors.js';
import { handoutsOf, type Handout } from '../../core/handout-log.js';
import { assertValidName } from '../../core/names.js';
import type { VersionMeta } from '../../core/secret-versions.js';
import { line, type Io } from '../../cli/io.js';
import { openSecrets, type GlobalArgs } from '../../cli/project-target.js';

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
  printHistory(io, target, args.name, versions, handouts);
  return 0;
}

function printHistory(io: Io, target: string, name: string, versions: VersionMeta[], handouts: Handout[]): void {
  line(io.stdout, `${name} · ${target}`);
  if (versions.length === 0) line(io.stdout, `No versions: ${name} is not in ${target} (deleted, or not a runtime secret).`);
  else {
    const by = Math.max(2, ...versions.map((v) => plain(v.by).length));
    line(io.stdout, `${'VERSION'.padEnd(7)}  ${'WRITTEN (UTC)'.padEnd(24)}  ${'BY'.padEnd(by)}  NOTE`);
    for (const v of versions) {
      const note = [v.current ? 'current' : '', v.rollbackOf ? `rollback to ${v.rollbackOf}` : ''].filter(Boolean).join(', ');
      line(io.stdout, `${String(v.version).padEnd(7)}  ${v.createdAt.padEnd(24)}  ${plain(v.by).padEnd(by)}  ${note}`.trimEnd());
    }
  }
  if (handouts.length > 0) {
    line(io.stdout, '');
    line(io.stdout, 'Handed out (newest first):');
    for (const h of handouts) {
      line(io.stdout, `${plain(h.time).padEnd(24)}  px ${h.via === 'deploy' ? 'deploy' : 'run'}  ${plain(h.env)}  → ${plain(h.command)}  by ${plain(h.by)}`);
    }
  }
  const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;
  line(io.stdout, `${count(versions.length, 'version', 'versions')} kept, ${count(handouts.length, 'hand-out', 'hand-outs')} recorded`);
}
