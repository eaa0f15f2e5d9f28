// `px store rotate-key`: re-encrypts the store under a new key. PostgreSQL (--store, PX_STORE_URL)
// in batches; the local store as one new snapshot per environment. Says which key is current,
// never a key.
import { UsageError } from '../../core/errors.js';
import { LocalStore } from '../../core/local-store.js';
import { withEnvironments } from '../../core/local-store-paths.js';
import { line, warn, type Io } from '../../cli/io.js';
import { projectOf, type GlobalArgs } from '../../cli/project-target.js';
import { guardStoreUrlArgument } from '../../cli/store-url-argument.js';

interface RotateArgs extends GlobalArgs {
  store?: string;
  batchSize: number;
  json?: boolean;
}

export async function rotateKey(io: Io, args: RotateArgs): Promise<number> {
  if (!Number.isInteger(args.batchSize) || args.batchSize < 1 || args.batchSize > 10_000) throw new UsageError('--batch-size takes a number from 1 to 10000.');
  const url = args.store ?? io.env.PX_STORE_URL;
  if (url) return rotatePostgres(io, args, url);
  const project = projectOf(io, args);
  const store = await LocalStore.open({ root: project.root, env: io.env, keychain: io.keychain?.(), warn: (text) => warn(io, text) });
  const result = await store.rotateKey();
  const { keyId, previousKeyIds, count, environments, oldKey } = result;
  if (args.json) line(io.stdout, JSON.stringify({ target: store.label, keyId, previousKeyIds, reencrypted: count, environments }));
  else {
    // Every environment of the project shares the key: all of them were rewritten.
    const where = withEnvironments(store.label, environments);
    const was = previousKeyIds.length > 0 ? ` (was ${previousKeyIds.join(', ')})` : '';
    line(io.stdout, `Re-encrypted ${count} secret${count === 1 ? '' : 's'} in ${where} under key ${keyId}${was}; ${oldKey}.`);
  }
  return 0;
}

async function rotatePostgres(io: Io, args: RotateArgs, url: string): Promise<number> {
  const { PostgresStore } = await import('../../core/store/postgres-store.js');
  const { rotatePostgresKey } = await import('../../core/store/postgres-rotation.js');
  guardStoreUrlArgument(args.store, (text) => warn(io, text));
  const store = await PostgresStore.open({ url, source: args.store ? '--store' : 'PX_STORE_URL', env: io.env, warn: (text) => warn(io, text), max: 2 });
  try {
    const report = await rotatePostgresKey(store, {
      batchSize: args.batchSize,
      onBatch: (done, total) => line(io.stderr, `re-encrypted ${done} of ${total}`),
    });
    if (args.json) {
      line(io.stdout, JSON.stringify({ target: store.label, keyId: report.keyId, previousKeyIds: report.previousKeyIds, reencrypted: report.reencrypted }));
      return 0;
    }
    const old = report.previousKeyIds.length === 0 ? '' : ` (was ${report.previousKeyIds.join(', ')}; ${report.oldKeys})`;
    line(io.stdout, `Re-encrypted ${report.reencrypted} value${report.reencrypted === 1 ? '' : 's'} in ${store.label} under key ${report.keyId}${old}.`);
    if (report.oldKeys === 'remove them from PX_STORE_KEY') line(io.stdout, 'Every value is under the first key of PX_STORE_KEY now: drop the others from it on every px server.');
    return 0;
  } finally {
    await store.close();
  }
}
