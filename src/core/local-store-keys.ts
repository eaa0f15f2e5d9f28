// The store keys one StoreFiles (local-store-disk.ts) has met, each with the id (fingerprint) it
// is known to have, so a key is loaded from its source and checked once per process.
import { assertKeyId, loadStoreKey, type KeyContext } from './store-key.js';
import type { SnapshotHeader } from './store-format.js';

export class KnownKeys {
  private readonly keys = new Map<string, { key: Buffer; keyId: string }>();

  constructor(private readonly ctx: KeyContext) {}

  /** `key` has the id `header` names: proved by opening what it sealed, or by its fingerprint. */
  remember(header: SnapshotHeader, key: Buffer): void {
    this.keys.set(header.storeId, { key, keyId: header.keyId });
  }

  /** The key the header names, checked against the header's fingerprint of it. */
  async checked(header: SnapshotHeader): Promise<Buffer> {
    const known = this.keys.get(header.storeId)?.keyId === header.keyId;
    const key = await this.unchecked(header);
    if (!known) {
      assertKeyId(key, header.keyId, header.keySource);
      this.remember(header, key);
    }
    return key;
  }

  /** The key the header names, not checked yet: the one known to have its id, else from its source. */
  async unchecked(header: SnapshotHeader): Promise<Buffer> {
    const known = this.keys.get(header.storeId);
    return known?.keyId === header.keyId ? known.key : loadStoreKey(header.storeId, header.keySource, this.ctx, header.keyId);
  }
}
