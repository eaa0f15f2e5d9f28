// The environment of every process a test starts: only what it needs, so a developer's own
// PX_*, NO_COLOR, CI, XDG_*, GIT_* or locale settings cannot change what a test sees. Tests add
// what their child needs on top (HOME, PX_STORE_KEY, DBUS_SESSION_BUS_ADDRESS, …); nothing is
// ever copied from process.env but PATH, to find the programs.
export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, LANG: 'C.UTF-8', ...extra };
}
