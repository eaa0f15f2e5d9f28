// The values `px scan` looks for: every runtime secret of the project's local store (each
// environment's) and, when the keychain is reachable, its deploy credentials. Only what px holds:
// a scan never guesses.
import { DeployCredentials } from '../deploy-credentials.js';
import { keychainUnreachableReason, openKeychain, type Keychain } from '../keychain.js';
import { openLocalStore } from '../target.js';

export interface HeldValues {
  values: Array<[name: string, value: string]>;
  /** Where they came from, for the summary line. */
  sources: string[];
  /** The names among `values` that are deploy credentials (the rest are runtime secrets). */
  credentials: Set<string>;
}

export async function heldValues(options: { root: string; cwd: string; env: NodeJS.ProcessEnv; keychain?: Keychain; warn: (line: string) => void }): Promise<HeldValues> {
  const values: Array<[string, string]> = [];
  const sources: string[] = [];
  const credentials = new Set<string>();
  // Every environment's namespace of the local store: a staging value pasted into a file leaks too.
  const { localNamespaces, DEFAULT_NAMESPACE } = await import('../local-store.js');
  const namespaces = localNamespaces(options.root);
  const holding: string[] = [];
  let label = '';
  for (const namespace of namespaces.length > 0 ? namespaces : [DEFAULT_NAMESPACE]) {
    const opened = await openLocalStore({ ...options, namespace });
    label = opened.label;
    const secrets = await opened.store.values();
    for (const entry of secrets) values.push(entry);
    if (secrets.size > 0) holding.push(namespace);
  }
  if (holding.length === 1 && holding[0] === DEFAULT_NAMESPACE) sources.push(label);
  else if (holding.length > 0) sources.push(`${label} (${holding.join(', ')})`);
  const unreachable = options.keychain ? null : keychainUnreachableReason(options.env);
  if (unreachable) options.warn(`deploy credentials not scanned for: the OS keychain is not reachable (${unreachable}).`);
  else {
    try {
      const creds = new DeployCredentials(options.keychain ?? openKeychain(options.env), options.root);
      const held = await creds.values();
      for (const entry of held) {
        values.push(entry);
        credentials.add(entry[0]);
      }
      if (held.size > 0) sources.push(creds.label);
    } catch (error) {
      options.warn(`deploy credentials not scanned for: ${(error as Error).message}`);
    }
  }
  return { values, sources, credentials };
}
