// A project's deploy credentials in the OS keychain (`px creds`, `px deploy`). Entries are
// scoped by service name: `px creds:` plus the project root's real path, one account per
// credential name. Two projects each holding CLOUDFLARE_API_TOKEN therefore never collide, and
// `secret-tool search --all service "px creds:/path/to/project"` shows exactly this project's.
import { realpathSync } from 'node:fs';
import { credentialTimes, noteCredentialTimes } from './credential-times.js';
import type { Keychain } from './keychain.js';

export const CREDS_SERVICE_PREFIX = 'px creds:';

export function credentialsService(root: string): string {
  let real = root;
  try {
    real = realpathSync(root);
  } catch {
    // a root that does not exist yet is named as given
  }
  return `${CREDS_SERVICE_PREFIX}${real}`;
}

export class DeployCredentials {
  readonly service: string;

  constructor(
    private readonly keychain: Keychain,
    readonly root: string,
  ) {
    this.service = credentialsService(root);
  }

  /** One short line naming where they live. */
  get label(): string {
    return `OS keychain (${this.service})`;
  }

  /** Stored names, sorted; never values. */
  names(): Promise<string[]> {
    return this.keychain.accounts(this.service);
  }

  async has(name: string): Promise<boolean> {
    return (await this.keychain.get(this.service, name)) !== null;
  }

  async set(name: string, value: string): Promise<void> {
    await this.keychain.set(this.service, name, value);
    await this.noteTimes([name], new Date().toISOString());
  }

  /** False when there was nothing to delete. */
  async delete(name: string): Promise<boolean> {
    const deleted = await this.keychain.delete(this.service, name);
    if (deleted) await this.noteTimes([name], null);
    return deleted;
  }

  /** When each credential was last set through px (for its age in `px creds list`). */
  setTimes(): Map<string, string> {
    return credentialTimes(this.root);
  }

  /** The times are for display only: a project whose .px/ cannot be written still works. */
  private async noteTimes(names: string[], at: string | null): Promise<void> {
    await noteCredentialTimes(this.root, names, at).catch(() => undefined);
  }

  /** Every credential with its value, for `px deploy`. */
  values(): Promise<Map<string, string>> {
    return this.keychain.entries(this.service);
  }
}
