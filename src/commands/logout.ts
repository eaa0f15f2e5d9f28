import { NotFound } from '../core/errors.js';
import { LOGIN_SERVICE } from '../core/target.js';
import { keychainOf, line, warn, type Io } from '../cli/io.js';
import { loginUrl } from './login.js';
import type { GlobalArgs } from '../cli/project-target.js';

export async function logout(io: Io, args: GlobalArgs): Promise<number> {
  const url = loginUrl(io, args, 'logout');
  if (!(await keychainOf(io).delete(LOGIN_SERVICE, url))) throw new NotFound(`No token for ${url} is stored in the OS keychain; nothing changed.`);
  line(io.stdout, `Logged out of ${url}: its token was removed from the OS keychain.`);
  if (io.env.PX_TOKEN) warn(io, `PX_TOKEN is still set, so px keeps using it for ${url}.`);
  return 0;
}
