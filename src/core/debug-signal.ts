// The launcher (bin/px.cjs) replaces Node's SIGUSR1 handler first thing, so a signal cannot open
// the inspector later. A SIGUSR1 that arrived during Node's own start-up, before that, still could:
// long-running commands (`px server`, `px run`) close such an inspector once they are up, unless
// the user started px under a debugger on purpose (--inspect in its flags or NODE_OPTIONS).
export function closeInspectorOpenedBySignal(env: NodeJS.ProcessEnv): boolean {
  const flags = [...process.execArgv, env.NODE_OPTIONS ?? ''].join(' ');
  if (/--inspect(?:-brk|-wait)?(?:[= ]|$)/.test(flags)) return false;
  const inspector = process.getBuiltinModule('node:inspector');
  if (!inspector.url()) return false;
  inspector.close();
  return true;
}

export const INSPECTOR_CLOSED = 'a SIGUSR1 sent while px was starting had opened a debugger on it; px closed it.';
