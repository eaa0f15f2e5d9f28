// When each deploy credential was last set, so `px creds list` can show its age: the keychain
// keeps no times of its own. `.px/credentials.json` holds names and times only, never a value.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import { STORE_DIR } from './project.js';
import { ensurePxDir } from './px-dir.js';

export const CREDENTIAL_TIMES_FILE = join(STORE_DIR, 'credentials.json');
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,255}$/;

/** Name → ISO time it was last set; names set before px kept times are absent. */
export function credentialTimes(root: string): Map<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(join(root, CREDENTIAL_TIMES_FILE), 'utf8'));
  } catch {
    return new Map();
  }
  const setAt = (parsed as { setAt?: Record<string, unknown> } | null)?.setAt;
  if (!setAt || typeof setAt !== 'object') return new Map();
  return new Map(Object.entries(setAt).filter((entry): entry is [string, string] => NAME.test(entry[0]) && typeof entry[1] === 'string' && !Number.isNaN(Date.parse(entry[1]))));
}

/** Records `names` as set now (`at`), or forgets them (`at` null). */
export async function noteCredentialTimes(root: string, names: string[], at: string | null): Promise<void> {
  const times = credentialTimes(root);
  for (const name of names) {
    if (at === null) times.delete(name);
    else times.set(name, at);
  }
  await ensurePxDir(root);
  await writeFileAtomic(join(root, CREDENTIAL_TIMES_FILE), `${JSON.stringify({ setAt: Object.fromEntries([...times].sort()) }, null, 2)}\n`);
}

/** "today", "1 day", "12 days", or "unknown" for a credential set before px kept times. */
export function ageText(setAt: string | undefined, now = Date.now()): string {
  if (!setAt) return 'unknown';
  const days = Math.floor((now - Date.parse(setAt)) / 86_400_000);
  return days <= 0 ? 'today' : `${days} ${days === 1 ? 'day' : 'days'}`;
}
