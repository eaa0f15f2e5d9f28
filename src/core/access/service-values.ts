// Values for a service token, in one request (`px run`, `px secret get` and the typed client on
// an endpoint). A token that may not read some names asks for them on the spot, so the admin
// finds the request waiting and the user gets one line saying what to run.
import { AccessClient, NotGranted, ValuesRefused } from './access-client.js';
import { AuthRejected } from '../errors.js';

export async function readServiceValues(client: AccessClient, names: string[], where: string): Promise<Map<string, string>> {
  try {
    return await client.values(names);
  } catch (error) {
    if (!(error instanceof NotGranted) && !(error instanceof ValuesRefused)) throw error;
    const wanted = error instanceof NotGranted ? error.names : names;
    let request;
    try {
      request = await client.requestAccess(wanted);
    } catch {
      // Not a service token, or the endpoint refused the request too: the first refusal says why.
      throw error;
    }
    const shown = wanted.length > 5 ? `${wanted.slice(0, 5).join(', ')} and ${wanted.length - 5} more` : wanted.join(', ');
    if (request.id === null) throw error;
    throw new AuthRejected(
      `${where} does not let this token read ${shown} yet: access requested (${request.id}); an admin approves it with \`px token approve ${request.id}\`, then run this again.`,
    );
  }
}
