// A PostgreSQL URL typed as `--store` is in the process's arguments, which every user of the
// machine can read (`ps`, /proc) for as long as `px server` runs, and in the shell's history. px
// says so (never repeating the password) and, where the OS lets a process rewrite what `ps` shows
// of it (Linux), puts the URL there with its password masked, so it is exposed only while px starts.
// Plain URL work, kept out of the PostgreSQL modules so a `px server` on the local store loads no driver.

/** `raw` with its password (the user part's, or a `password=` parameter) as `***`; null when it has none. */
export function withoutPassword(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (!url.password && !url.searchParams.has('password')) return null;
  if (url.password) url.password = '***';
  if (url.searchParams.has('password')) url.searchParams.set('password', '***');
  return url.toString();
}

export function guardStoreUrlArgument(raw: string | undefined, warn: (text: string) => void): void {
  if (raw === undefined) return;
  const masked = withoutPassword(raw);
  if (masked === null) return;
  const args = process.argv.slice(1);
  // Only when this process was started with it (not when px runs inside another program).
  if (process.platform === 'linux' && args.some((arg) => arg.includes(raw))) {
    process.title = [process.argv0, ...process.execArgv, ...args.map((arg) => arg.replace(raw, masked))].join(' ');
  }
  warn(
    '--store holds a password, which other users of this machine can read in the process list (ps) and your shell keeps in its history: ' +
      "put the URL in PX_STORE_URL instead (export PX_STORE_URL='postgres://…'), or leave the password out of it and set PGPASSWORD.",
  );
}
