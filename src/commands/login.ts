import { AuthRejected, PxError, UsageError } from '../core/errors.js';
import { LOGIN_SERVICE, resolveTarget } from '../core/target.js';
import { keychainOf, line, warn, type Io } from '../cli/io.js';
import { withKeystrokesHeld } from '../cli/prompts.js';
import { readSecretValue } from '../cli/secret-value.js';
import { environmentOf, projectOf, timeoutOf, type GlobalArgs } from '../cli/project-target.js';

interface LoginArgs extends GlobalArgs {
  verify?: boolean;
}

/** The endpoint a token is for: --url, PX_URL or px.config.json, like `px secret`. */
export function loginUrl(io: Io, args: GlobalArgs, command: 'login' | 'logout'): string {
  const project = projectOf(io, args);
  const target = resolveTarget(args.url, io.env, project, environmentOf(io, args, project).name);
  if (target.kind === 'local') {
    throw new UsageError(`px ${command} is for a secrets endpoint and none is configured: pass --url URL (or set PX_URL or "url" in px.config.json). The local store needs no login.`);
  }
  return target.url;
}

/** Asks the endpoint whether it takes the token (GET /secrets): a rejected token is not stored. */
async function checkToken(url: string, token: string, timeoutSeconds: number, insecure?: boolean): Promise<void> {
  const { EndpointClient } = await import('../core/endpoint-client.js');
  try {
    await new EndpointClient({ url, token, timeoutSeconds, insecure }).list();
  } catch (error) {
    if (error instanceof AuthRejected) throw new AuthRejected(`${url} rejected this token, so it was not stored: check it and run \`px login\` again.`);
    if (error instanceof PxError) {
      throw new PxError(error.kind, `${error.message} The token was not stored (--no-verify stores it without asking the endpoint).`, { cause: error });
    }
    throw error;
  }
}

export async function login(io: Io, args: LoginArgs): Promise<number> {
  return withKeystrokesHeld(io, () => logIn(io, args));
}

async function logIn(io: Io, args: LoginArgs): Promise<number> {
  const url = loginUrl(io, args, 'login');
  const keychain = keychainOf(io);
  // Ask the keychain first: an unreachable one fails (exit 4) before anything is typed.
  const existing = await keychain.get(LOGIN_SERVICE, url);
  const token = await readSecretValue(io, { name: 'the token', target: url, label: `Token for ${url}:`, valueFlag: false });
  if (args.verify !== false) await checkToken(url, token, timeoutOf(args), args.insecure);
  await keychain.set(LOGIN_SERVICE, url, token);
  line(io.stdout, `${existing === null ? 'Logged in to' : 'Replaced the stored token for'} ${url}: the token is in the OS keychain.`);
  if (io.env.PX_TOKEN) warn(io, 'PX_TOKEN is set and takes precedence over the stored token: unset it to use the one from px login.');
  return 0;
}
