import { NotFound, Declined, UsageError } from '../../core/errors.js';
import { assertValidName } from '../../core/names.js';
import { parseVersion } from '../../core/secret-versions.js';
import { line, type Io } from '../../cli/io.js';
import { askConfirm, withKeystrokesHeld } from '../../cli/prompts.js';
import { openSecrets, type GlobalArgs } from '../../cli/project-target.js';

interface RollbackArgs extends GlobalArgs {
  name: string;
  to?: string | number;
  yes?: boolean;
}

/** `px secret rollback NAME [--to VERSION]`: an earlier value made current again, as a new version. */
/** Keys typed before the question shows must not answer it, nor be echoed. */
export async function rollbackSecret(io: Io, args: RollbackArgs): Promise<number> {
  return withKeystrokesHeld(io, () => rollBack(io, args));
}

async function rollBack(io: Io, args: RollbackArgs): Promise<number> {
  assertValidName(args.name);
  const wanted = args.to === undefined ? undefined : parseVersion(String(args.to), '--to');
  if (!args.yes && !io.interactive) {
    throw new UsageError(`Rolling ${args.name} back needs confirmation and this run cannot prompt: pass --yes.`);
  }
  const { backend, target } = await openSecrets(io, args);
  try {
    const versions = await backend.versions(args.name);
    const current = versions[0];
    const source = wanted === undefined ? versions[1] : versions.find((v) => v.version === wanted);
    if (!source) {
      if (wanted === undefined) throw new NotFound(`${args.name} has no earlier version to roll back to (it is at version ${current.version}).`);
      throw new NotFound(`${args.name} has no version ${wanted} in ${target}: see \`px secret history ${args.name}\`.`);
    }
    if (source.current) throw new UsageError(`${args.name} is at version ${source.version} already: name an earlier one with --to.`);
    const question = `Make version ${source.version} of ${args.name} (${source.createdAt}, by ${source.by}) current again in ${target}? Version ${current.version} stays in history.`;
    if (!args.yes && !(await askConfirm(io, question))) throw new Declined(`Kept version ${current.version} of ${args.name}; nothing changed.`);
    const result = await backend.rollback(args.name, source.version);
    line(io.stdout, `Rolled ${args.name} back to version ${result.rolledBackTo} in ${target}: that value is now version ${result.version}.`);
    return 0;
  } finally {
    await backend.close?.();
  }
}
