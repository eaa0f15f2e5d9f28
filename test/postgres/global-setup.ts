// Starts one throw-away PostgreSQL cluster for the whole postgres test run (scripts/postgres-cluster.mjs)
// and stops it after. Tests get its admin URL through inject('postgres').
import type { TestProject } from 'vitest/node';
// @ts-expect-error a plain ES module shared with the bench, without type declarations
import { startCluster } from '../../scripts/postgres-cluster.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: { url: string; port: number; password: string; bin: string };
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const cluster = await startCluster({ durable: false });
  project.provide('postgres', { url: cluster.url(), port: cluster.port, password: cluster.password, bin: cluster.bin });
  return () => cluster.stop();
}
