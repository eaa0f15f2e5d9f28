// Databases in the test run's PostgreSQL cluster (test/postgres/global-setup.ts): each test that
// needs one gets a fresh database, dropped afterwards.
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import postgres from 'postgres';
import { inject } from 'vitest';
import { childEnv } from '../helpers/child-env.js';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

const cluster = () => inject('postgres');

export const urlOf = (database: string): string => cluster().url.replace(/\/[^/]*$/, `/${database}`);

export async function createDatabase(): Promise<TestDatabase> {
  const name = `px_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(cluster().url, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: urlOf(name),
    async drop() {
      const sql = postgres(cluster().url, { max: 1, onnotice: () => undefined });
      try {
        await sql.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await sql.end();
      }
    },
  };
}

/** `pg_dump` of a database, as text (plain SQL with COPY data). */
export function pgDump(database: string): string {
  const { port, password, bin } = cluster();
  const result = spawnSync(join(bin, 'pg_dump'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'px', database], {
    encoding: 'utf8',
    env: childEnv({ PGPASSWORD: password }),
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`pg_dump failed: ${result.stderr}`);
  return result.stdout;
}

/** A store key for tests, as PX_STORE_KEY takes it. */
export const testStoreKey = (): string => randomBytes(32).toString('hex');
