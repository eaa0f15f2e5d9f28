// The per-install admin token of a local `px server`: PX_TOKEN when set (never stored), else the
// token in .px/server-token, which the CLI of the same project finds by itself. On first run over
// an empty token table px creates it (0600); a server-token written by an older px is adopted, so
// it keeps working. The table keeps only its SHA-256.
import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic-file.js';
import type { AccessStore } from '../core/access/access-store.js';
import { hashToken, newId, newTokenSecret, type Scope } from '../core/access/tokens.js';
import { ensurePxDir, readPrivateFile } from '../core/px-dir.js';
import { SERVER_TOKEN_FILE } from '../core/target.js';

export interface AdminToken {
  /** PX_TOKEN, which the server accepts as an admin token without a row in the table. */
  envToken?: string;
  /** Where the admin token is, for the start-up line. */
  where: string;
}

/** The token in .px/server-token: the user's own file, never read through a link. */
function readTokenFile(path: string): string | null {
  return readPrivateFile(path, SERVER_TOKEN_FILE)?.trim() || null;
}

export async function ensureAdminToken(options: { root: string; env: NodeJS.ProcessEnv; access: AccessStore; scope: Scope }): Promise<AdminToken> {
  if (options.env.PX_TOKEN) return { envToken: options.env.PX_TOKEN, where: 'PX_TOKEN' };
  const path = join(options.root, SERVER_TOKEN_FILE);
  if ((await options.access.countTokens()) > 0) return { where: SERVER_TOKEN_FILE };
  let token = readTokenFile(path);
  const adopted = token !== null;
  if (!token) {
    await ensurePxDir(options.root);
    token = newTokenSecret();
    await writeFileAtomic(path, `${token}\n`);
  }
  const now = new Date().toISOString();
  await options.access.addToken({ id: newId('tok'), name: 'install admin', role: 'admin', scope: options.scope, hash: hashToken(token), approved: true, createdAt: now, lastUsedAt: null });
  return { where: adopted ? SERVER_TOKEN_FILE : `${SERVER_TOKEN_FILE} (created now)` };
}
