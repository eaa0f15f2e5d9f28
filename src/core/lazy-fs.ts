// node:fs/promises on first use. Importing it at the top of a module loads it (with Node's
// readline and file-watcher internals) on every run that loads the module, and the commands that
// only read the store (`px secret list`, `exists`) read with synchronous calls instead: no
// promise-based file API, and no libuv thread pool started for a few small files.
export const fsPromises = (): typeof import('node:fs/promises') => process.getBuiltinModule('node:fs/promises');
