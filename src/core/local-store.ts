// The embedded local store: the project's secrets, encrypted under .px/ (format: store-format.ts).
// A change is one journal record appended and fsynced under an exclusive lock; once the journal
// outgrows the snapshot, the writer folds it into a new snapshot (temp file, fsync, rename). So a
// create costs a small append however many secrets there are, CLI processes and a running
// `px server` can write at once, and a crash at any moment leaves the old or the new state.
// Within one process, writes that arrive while another is in flight are committed together.
// Each environment is a namespace of its own files: `development` is secrets.enc/secrets.journal
// (so stores made before environments existed are development's), any other environment E is
// secrets-E.enc/secrets-E.journal. All of a project's namespaces share one key and store id, and
// each file's authenticated data names its environment. API: LocalStore.open({ root, namespace }),
// storeFiles(namespace), localNamespaces(root). Here: the store's API, batching and rotation; the
// files themselves in local-store-disk.ts, their paths and the lock in local-store-paths.ts.
import type { BulkResult, SecretEntry, SecretMeta } from './backend.js';
import { UsageError } from './errors.js';
import { openKeychain, type Keychain } from './keychain.js';
import { StoreFiles } from './local-store-disk.js';
import { JOURNAL_FILE, localNamespaces, statOrNull, storeFiles, withStoreLock } from './local-store-paths.js';
import { nameProblem, valueProblem } from './names.js';
import { STORE_FILE } from './project.js';
import { assertPxDir } from './px-dir.js';
import type { PutResult, RollbackResult, SecretStore } from './store.js';
import { localActor, nextVersionNumber, rollbackSource, versionList, withNewVersion, type ChangeBy, type VersionMeta } from './secret-versions.js';
import { keyFingerprint, type KeyContext } from './store-key.js';
import { createRotatedKey, forgetKey } from './store-key-rotation.js';
import { DEFAULT_NAMESPACE, type Doc, type JournalRecord, type Op, type Secret, type SnapshotHeader } from './store-format.js';

export { STORE_FILE, DEFAULT_NAMESPACE, JOURNAL_FILE, localNamespaces, storeFiles };

/** The document as a batch sees it: what is stored plus the batch's own earlier changes. */
interface DocView {
  has(name: string): boolean;
  get(name: string): Secret | undefined;
}
type Plan = (doc: DocView, at: string) => { ops: Op[]; result: unknown };
type Mutation = { plan: Plan; resolve: (result: unknown) => void; reject: (error: unknown) => void };

export class LocalStore implements SecretStore {
  readonly label = 'local store (.px)';
  private readonly disk: StoreFiles;
  private pending: Mutation[] = [];
  private flushing = false;

  private constructor(
    readonly root: string,
    private readonly ctx: KeyContext,
    /** Who a change without `change.by` is recorded as (the OS user; a server passes its caller). */
    private readonly actorGiven: string | undefined,
    namespace: string,
  ) {
    this.disk = new StoreFiles(root, ctx, namespace);
  }

  /** The environment this store holds. */
  get namespace(): string {
    return this.disk.namespace;
  }

  /** `namespace`: the environment (default development). */
  static async open(options: { root: string; env: NodeJS.ProcessEnv; keychain?: Keychain; warn?: (line: string) => void; actor?: string; namespace?: string }): Promise<LocalStore> {
    assertPxDir(options.root);
    const ctx = { env: options.env, keychain: options.keychain ?? openKeychain(options.env), warn: options.warn ?? (() => undefined) };
    return new LocalStore(options.root, ctx, options.actor, options.namespace ?? DEFAULT_NAMESPACE);
  }

  /** Asked on the first write only: the OS user's name costs a passwd lookup that reads never need. */
  private get actor(): string {
    return (this.actorOnce ??= this.actorGiven ?? localActor(this.ctx.env));
  }
  private actorOnce?: string;

  async list(): Promise<SecretMeta[]> {
    const doc = (await this.disk.read())?.doc ?? new Map<string, Secret>();
    return [...doc.entries()]
      .map(([name, s]) => ({ name, createdAt: s.createdAt, updatedAt: s.updatedAt }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async exists(name: string): Promise<boolean> {
    return (await this.disk.read())?.doc.has(name) ?? false;
  }

  async values(): Promise<Map<string, string>> {
    const values = new Map<string, string>();
    (await this.disk.read())?.doc.forEach((secret, name) => values.set(name, secret.value));
    return values;
  }

  async valuesOf(names: readonly string[]): Promise<Map<string, string>> {
    const doc = (await this.disk.read())?.doc;
    const found = new Map<string, string>();
    for (const name of names) {
      const secret = doc?.get(name);
      if (secret) found.set(name, secret.value);
    }
    return found;
  }

  async put(name: string, value: string, change: ChangeBy = {}): Promise<PutResult> {
    check([{ name, value }]);
    return this.mutate((doc, at) => {
      const createdAt = doc.get(name)?.createdAt ?? at;
      const created = !doc.has(name);
      const v = nextVersionNumber(doc.get(name));
      return { ops: [['put', name, value, { v, by: change.by ?? this.actor, ...(change.rotation ? { rotation: true } : {}) }]], result: { meta: { name, createdAt, updatedAt: at }, created } };
    });
  }

  async versions(name: string): Promise<VersionMeta[] | null> {
    const secret = (await this.disk.read())?.doc.get(name);
    return secret ? versionList(secret) : null;
  }

  async rollback(name: string, version: number | undefined, change: ChangeBy = {}): Promise<RollbackResult> {
    // Decided under the lock, against the latest state; a refusal writes nothing.
    const outcome = await this.mutate<RollbackResult | { refused: unknown }>((doc, at) => {
      const secret = doc.get(name);
      let source;
      try {
        source = rollbackSource(name, secret, version);
      } catch (refused) {
        return { ops: [], result: { refused } };
      }
      const v = nextVersionNumber(secret);
      const op: Op = ['put', name, source.value, { v, by: change.by ?? this.actor, rollbackOf: source.version }];
      return { ops: [op], result: { meta: { name, createdAt: secret!.createdAt, updatedAt: at }, version: v, rolledBackTo: source.version } };
    });
    if ('refused' in outcome) throw outcome.refused;
    return outcome;
  }

  delete(name: string): Promise<boolean> {
    return this.mutate((doc) => (doc.has(name) ? { ops: [['delete', name]], result: true } : { ops: [], result: false }));
  }

  async bulkPut(entries: SecretEntry[], change: ChangeBy = {}): Promise<BulkResult> {
    check(entries);
    const by = change.by ?? this.actor;
    return this.mutate((doc) => {
      // The version each name gets next; a name given twice makes two versions.
      const next = new Map<string, number>();
      let created = 0;
      const ops = entries.map(({ name, value }): Op => {
        if (!doc.has(name) && !next.has(name)) created++;
        const v = next.get(name) ?? nextVersionNumber(doc.get(name));
        next.set(name, v + 1);
        return ['put', name, value, { v, by }];
      });
      return { ops, result: { created, updated: entries.length - created } };
    });
  }

  /**
   * `px store rotate-key`: every environment of the project rewritten under one new key (all its
   * namespaces share the key), under the store's one lock. The new key is saved before the first
   * rewrite and the old ones are removed after the last, so a crash at any moment leaves each
   * namespace under a key that is still there (store-key-rotation.ts); running it again finishes.
   */
  async rotateKey(): Promise<{ keyId: string; previousKeyIds: string[]; count: number; environments: string[]; oldKey: string }> {
    return withStoreLock(this.root, async (held) => {
      // Listed under the lock: an environment created meanwhile is under the old key too.
      const others = localNamespaces(this.root).filter((namespace) => namespace !== this.namespace);
      const stores: LocalStore[] = [this, ...others.map((namespace) => new LocalStore(this.root, this.ctx, this.actorGiven, namespace))];
      const present: Array<{ store: LocalStore; header: SnapshotHeader }> = [];
      for (const store of stores) {
        const state = await store.disk.read();
        if (state) present.push({ store, header: state.header });
      }
      if (present.length === 0) throw new UsageError('There is no local store here yet: nothing to rotate.');
      const { storeId, keySource } = present[0].header;
      const previous = [...new Set(present.map(({ header }) => header.keyId))];
      // A killed run leaves the later namespaces under the old key: the new one must differ from it.
      const key = await createRotatedKey(storeId, keySource, present[present.length - 1].header.keyId, this.ctx);
      const keyId = keyFingerprint(key);
      held();
      let count = 0;
      for (const { store } of present) count += await store.rewriteUnder(key, held);
      let oldKey = '';
      for (const id of previous) if (id !== keyId) oldKey = await forgetKey(storeId, keySource, id, this.ctx, keyId);
      const previousKeyIds = previous.filter((id) => id !== keyId);
      return { keyId, previousKeyIds, count, environments: present.map(({ store }) => store.namespace), oldKey: oldKey || 'no old key was left' };
    });
  }

  /** This namespace as one new snapshot under `key` (the lock is held); returns its secret count. */
  private async rewriteUnder(key: Buffer, held: () => void): Promise<number> {
    let current = (await this.disk.read())!;
    // First the journal folded in under the old key: a kill between the new snapshot's rename and
    // its journal's then leaves a journal without records, which the store can skip.
    const emptyJournal = current.journal !== null && current.journal.nextIndex === 0 && current.journal.torn === 0;
    if (!emptyJournal && statOrNull(this.disk.journalPath) !== null) {
      await this.disk.writeSnapshot({ ...current.header, generation: current.header.generation + 1 }, current.key, new Map(current.doc));
      current = this.disk.state!;
      held();
    }
    const { header } = current;
    await this.disk.writeSnapshot({ ...header, keyId: keyFingerprint(key), generation: header.generation + 1 }, key, new Map(current.doc));
    held();
    return current.doc.size;
  }

  private mutate<T>(plan: Plan): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ plan, resolve: resolve as (result: unknown) => void, reject });
      if (!this.flushing) void this.flush();
    });
  }

  /** Commits queued mutations in batches: one lock, one record, one fsync per batch. */
  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0);
      try {
        const results = await withStoreLock(this.root, async (held) => {
          const current = await this.disk.read();
          const stored = current?.doc ?? new Map<string, Secret>();
          // Changes stay in this overlay until they are durable, so readers never see them early.
          const overlay: Doc = new Map();
          const deleted = new Set<string>();
          const view: DocView = {
            has: (name) => overlay.has(name) || (!deleted.has(name) && stored.has(name)),
            get: (name) => overlay.get(name) ?? (deleted.has(name) ? undefined : stored.get(name)),
          };
          const record: JournalRecord = { at: new Date().toISOString(), ops: [] };
          // Each mutation checked its input up front, so planning cannot fail half-way; each
          // sees the changes of the ones before it.
          const out = batch.map((mutation) => {
            const { ops, result } = mutation.plan(view, record.at);
            for (const op of ops) {
              if (op[0] === 'delete') {
                overlay.delete(op[1]);
                deleted.add(op[1]);
              } else {
                const previous = view.get(op[1]);
                overlay.set(op[1], withNewVersion(previous, op[2], record.at, op[3]?.v ?? nextVersionNumber(previous), op[3]));
                deleted.delete(op[1]);
              }
            }
            record.ops.push(...ops);
            return result;
          });
          if (record.ops.length > 0) {
            held();
            await this.disk.commit(current, record);
          }
          return out;
        });
        batch.forEach((mutation, i) => mutation.resolve(results[i]));
      } catch (error) {
        this.disk.forget();
        for (const mutation of batch) mutation.reject(error);
      }
    }
    this.flushing = false;
  }


}

/** All-or-nothing validation before anything is queued. Messages never hold a value. */
function check(entries: SecretEntry[]): void {
  const problems: string[] = [];
  entries.forEach(({ name, value }, index) => {
    const problem = nameProblem(name) ?? valueProblem(value);
    if (problem) problems.push(`entry ${index + 1} (${JSON.stringify(name.slice(0, 80))}): ${problem}`);
  });
  if (problems.length > 0) throw new UsageError(`${problems.length} invalid ${problems.length === 1 ? 'entry' : 'entries'}; nothing was written.`, { details: problems });
}
