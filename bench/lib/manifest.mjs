// Bench cases of the manifest commands (validate, plan, list --json, get) on a project whose
// px.config.json declares 200 secrets, all stored in its local store.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const MANIFEST_ENTRIES = 200;
const GET_NAME = 'APP_KEY_007';

/** px.config.json with MANIFEST_ENTRIES entries, and a dotenv file of a value for each. */
function writeProject(dir, value) {
  const secrets = {};
  const lines = [];
  for (let i = 0; i < MANIFEST_ENTRIES; i++) {
    const n = String(i).padStart(3, '0');
    if (i % 4 === 0) {
      secrets[`GEN_SECRET_${n}`] = {
        class: 'per_install_generated',
        description: `generated secret ${i}`,
        format: '^[A-Za-z0-9_-]{32}$',
        generator: { type: 'random', length: 32, charset: 'base64url' },
        rotateAfterDays: 90,
      };
      lines.push(`GEN_SECRET_${n}=${value().slice(0, 32)}`);
    } else {
      const infra = i % 10 === 1;
      secrets[`APP_KEY_${n}`] = {
        class: infra ? 'infrastructure' : 'user_prompt',
        description: `app key ${i}`,
        format: '^[A-Za-z0-9_-]+$',
        ...(infra ? { tiers: { desktop: 'strip' } } : { prompt: { label: `App key ${i}` } }),
        ...(i % 7 === 0 ? { required: false, envs: { production: { required: true } } } : {}),
      };
      lines.push(`APP_KEY_${n}=${value()}`);
    }
  }
  const config = { $schema: './node_modules/px-secrets/schema/px.config.schema.json', tiers: ['local', 'desktop', 'cloud'], envs: { staging: {}, production: {} }, secrets };
  writeFileSync(join(dir, 'px.config.json'), `${JSON.stringify(config, null, 2)}\n`);
  const file = join(dir, 'values.env');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/**
 * The fixture (`seed()`, run once) and the cases. `px(args, ctx)` times one px run; `freshDir`
 * makes a directory under the run's temp dir; `value()` a random value.
 */
export function manifestCases({ px, freshDir, env, value }) {
  const ctx = { cwd: freshDir('manifest'), env };
  const seed = () => {
    const file = writeProject(ctx.cwd, value);
    return px(['secret', 'import', file, '--yes'], ctx);
  };
  const detail = `${MANIFEST_ENTRIES}-entry px.config.json, all stored`;
  const cases = [
    { id: 'manifest/validate', label: 'px secret validate --json', detail, run: () => px(['secret', 'validate', '--json'], ctx) },
    { id: 'manifest/plan', label: 'px secret plan --tier desktop --json', detail, run: () => px(['secret', 'plan', '--tier', 'desktop', '--json'], ctx) },
    { id: 'manifest/list', label: 'px secret list --json', detail, run: () => px(['secret', 'list', '--json'], ctx) },
    { id: 'manifest/get', label: `px secret get ${GET_NAME}`, detail: 'to a pipe', run: () => px(['secret', 'get', GET_NAME], ctx) },
  ];
  return { seed, cases: cases.map((c) => ({ mode: 'local', needs: ['manifest'], goal: { maxRatio: 1.3 }, ...c })) };
}
