import { UsageError } from '../../core/errors.js';
import { warn, type Io } from '../../cli/io.js';
import { withKeyboardHandedOver, withKeystrokesHeld } from '../../cli/prompts.js';
import { environmentOf, projectOf, type GlobalArgs } from '../../cli/project-target.js';
import { ManagerSession } from './manager-actions.js';

export async function runUi(io: Io, args: GlobalArgs): Promise<number> {
  if (!io.interactive) {
    throw new UsageError('px ui is a full-screen terminal app and this run is not interactive: use `px secret list` and `px creds list` instead.');
  }
  // Ink loads while the project is read; keys typed meanwhile are held for the app, never echoed.
  io.ui().catch(() => undefined);
  return withKeystrokesHeld(io, async () => {
    const project = projectOf(io, args);
    const environment = environmentOf(io, args, project).name;
    const session = new ManagerSession(io, args, project, environment);
    try {
      // The store is read while Ink loads, and the first frame already shows it.
      const [ui, initial] = await Promise.all([io.ui(), session.load(environment)]);
      await withKeyboardHandedOver(io, () => ui.manager({ actions: session, environment, initial }));
    } finally {
      await session.close();
    }
    // Said once the main screen is back, where they stay readable.
    for (const warning of new Set(session.warnings)) warn(io, warning);
    return 0;
  });
}
