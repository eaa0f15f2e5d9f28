// An in-memory Keychain for command tests of the layers above it. It fails the way the real one
// does (keychainUnavailable, exit 4) when `available` is false; the real keychain is tested
// against a real Secret Service in test/keychain/.
import { afterEach, beforeEach } from 'vitest';
import { credentialsService } from '../../src/core/deploy-credentials.js';
import { keychainUnavailable, type Keychain } from '../../src/core/keychain.js';
import { tempProject, type TempProject } from './project.js';
import { runPx, type PxResult, type SessionOptions } from './px-session.js';

export class MemoryKeychain implements Keychain {
  readonly items = new Map<string, string>();
  available = true;
  /** Fail the set after this many more succeed (a keychain that breaks mid-import). */
  failSetAfter = Infinity;

  private key = (service: string, account: string): string => JSON.stringify([service, account]);

  private check(): void {
    if (!this.available) throw keychainUnavailable('it is locked');
  }

  async get(service: string, account: string): Promise<string | null> {
    this.check();
    return this.items.get(this.key(service, account)) ?? null;
  }

  async set(service: string, account: string, value: string): Promise<void> {
    this.check();
    if (this.failSetAfter-- <= 0) throw keychainUnavailable('it is locked');
    this.items.set(this.key(service, account), value);
  }

  async delete(service: string, account: string): Promise<boolean> {
    this.check();
    return this.items.delete(this.key(service, account));
  }

  async accounts(service: string): Promise<string[]> {
    return [...(await this.entries(service)).keys()].sort();
  }

  async entries(service: string): Promise<Map<string, string>> {
    this.check();
    const found = new Map<string, string>();
    for (const [key, value] of this.items) {
      const [s, account] = JSON.parse(key) as [string, string];
      if (s === service) found.set(account, value);
    }
    return found;
  }

  /** The value stored for `account` under any service whose name ends with `suffix`. */
  find(serviceSuffix: string, account: string): string | undefined {
    for (const [key, value] of this.items) {
      const [s, a] = JSON.parse(key) as [string, string];
      if (s.endsWith(serviceSuffix) && a === account) return value;
    }
    return undefined;
  }
}

export interface CredsProject {
  project: TempProject;
  keychain: MemoryKeychain;
  /** This project's keychain service. */
  service: string;
  /** Runs px in the project with the in-memory keychain. */
  px(args: string[], extra?: Partial<SessionOptions>): Promise<PxResult>;
  options(extra?: Partial<SessionOptions>): SessionOptions;
}

/** Registers hooks that give each test a fresh project and an empty in-memory keychain. */
export function useCredsProject(): CredsProject {
  const ctx = {
    options: (extra: Partial<SessionOptions> = {}) => ({ cwd: ctx.project.root, env: ctx.project.env, keychain: ctx.keychain, ...extra }),
    px: (args: string[], extra: Partial<SessionOptions> = {}) => runPx(args, ctx.options(extra)),
  } as CredsProject;
  beforeEach(() => {
    ctx.project = tempProject();
    ctx.keychain = new MemoryKeychain();
    ctx.service = credentialsService(ctx.project.root);
  });
  afterEach(() => ctx.project.cleanup());
  return ctx;
}
