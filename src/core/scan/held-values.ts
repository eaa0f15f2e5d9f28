// The values `px scan` looks for: every runtime secret of the project's local store (each
// environment's) and, when the keychain is reachable, its deploy credentials. Only what px holds:
// a scan never guesses.
import { DeployCredentials } from '../deploy-credentials.js';
import { keychainUnreachableReason, openKeychain, type Keychain } from '../keychain.js';
import { withEnvironments } from '../local-store-paths.js';
import { openLocalStore } from '../target.js';

/** Where a held value comes from: a runtime secret of an environment, or a deploy credential. */
export interface HeldOrigin {
  name: string;
  /** The environment of a runtime secret; absent for a deploy credential. */
  env?: string;
}

export interface HeldValues {
  /** [key, value] pairs; the key names the value's origin in `origins` (a name alone does not:
   *  development and staging may hold different values under one name). */
  values: Array<[key: string, value: string]>;
  origins: Map<string, HeldOrigin>;
  /** Where they came from, for the summary line. */
  sources: string[];
}

export async function heldValues(options: { root: string; cwd: string; env: NodeJS.ProcessEnv; keychain?: Keychain; warn: (line: string) => void }): Promise<HeldValues> {
  const values: Array<[string, string]> = [];
  const origins = new Map<string, HeldOrigin>();
  const sources: string[] = [];
  const hold = (key: string, origin: HeldOrigin, value: string): void => {
    values.push([key, value]);
    origins.set(key, origin);
  };
  // Every environment's namespace of the local store: a staging value pasted into a file leaks too.
  const { localNamespaces, DEFAULT_NAMESPACE } = await import('../local-store.js');
  const namespaces = localNamespaces(options.root);
  const holding: string[] = [];
  let label = '';
  for (const namespace of namespaces.length > 0 ? namespaces : [DEFAULT_NAMESPACE]) {
    const opened = await openLocalStore({ ...options, namespace });
    label = opened.label;
    const secrets = await opened.store.values();
    for (const [name, value] of secrets) hold(`secret ${namespace} ${name}`, { name, env: namespace }, value);
    if (secrets.size > 0) holding.push(namespace);
  }
  if (holding.length > 0) sources.push(withEnvironments(label, holding));
  const unreachable = options.keychain ? null : keychainUnreachableReason(options.env);
  if (unreachable) options.warn(`deploy credentials not scanned for: the OS keychain is not reachable (${unreachable}).`);
  else {
    try {
      const creds = new DeployCredentials(options.keychain ?? openKeychain(options.env), options.root);
      const held = await creds.values();
      for (const [name, value] of held) hold(`credential ${name}`, { name }, value);
      if (held.size > 0) sources.push(creds.label);
    } catch (error) {
      options.warn(`deploy credentials not scanned for: ${(error as Error).message}`);
    }
  }
  return { values, origins, sources };
}
