// Node binaries for tests that must hold on each supported Node major (20, 22, 24). A binary is
// looked up as $PX_TEST_NODE_<major>, then .ci/node-versions/<major>/node_modules/.bin/node (what
// `npm install --prefix .ci/node-versions/<major> node@<major>` makes), then the node running the
// tests when it is that major. With PX_TEST_REQUIRE_NODES=1 (CI) a missing one fails the test
// instead of skipping it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { childEnv } from '../helpers/child-env.js';

export const NODE_MAJORS = [20, 22, 24] as const;
export const NODES_REQUIRED = process.env.PX_TEST_REQUIRE_NODES === '1';
const REPO = join(import.meta.dirname, '..', '..');

const majorOf = (binary: string): number | null => {
  const result = spawnSync(binary, ['-p', 'process.versions.node'], { encoding: 'utf8', env: childEnv() });
  return result.status === 0 ? Number(result.stdout.split('.')[0]) : null;
};

/** The node binary of that major, or null when this machine has none. */
export function nodeBinary(major: number): string | null {
  const candidates = [process.env[`PX_TEST_NODE_${major}`], join(REPO, '.ci', 'node-versions', String(major), 'node_modules', '.bin', 'node'), process.execPath];
  for (const candidate of candidates) {
    if (candidate && existsSync(candidate) && majorOf(candidate) === major) return candidate;
  }
  return null;
}
