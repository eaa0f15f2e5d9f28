// The setup steps over one target: what to generate, what to ask for, how to check and save a
// value, and the validation summary. `px setup` and `s` in `px ui` both run these.
import type { SecretMeta, SecretsBackend } from '../../core/backend.js';
import { StoreBackend } from '../../core/target.js';
import { valueProblem } from '../../core/names.js';
import type { SetupActions, SetupSummary } from '../../../components/setup-model.js';
import type { NeededSecret, ProjectNeeds } from './needs.js';

/** The values behind `stored`, when the target hands them to px (the local store); else null. */
export async function storedValues(backend: SecretsBackend): Promise<Map<string, string> | null> {
  return backend instanceof StoreBackend ? backend.store.values() : null;
}

/** Why a value typed for NAME is refused: the value rules, then the manifest's format. */
export function valueRefusal(needs: ProjectNeeds, name: string, value: string): string | null {
  const problem = valueProblem(value);
  if (problem) return `${problem[0].toUpperCase()}${problem.slice(1)}: type it again.`;
  const format = needs.formatProblem(name, value);
  return format ? `${format}: type it again (the value was not kept).` : null;
}

/** Step 3: required secrets still missing, and stored ones that fail their format. */
export async function summarize(backend: SecretsBackend, needs: ProjectNeeds): Promise<SetupSummary> {
  const stored = new Map((await backend.list()).map((meta): [string, SecretMeta] => [meta.name, meta]));
  const values = await storedValues(backend);
  const missing = needs.secrets.filter((secret) => secret.required && secret.provide !== 'none' && !stored.has(secret.name)).map((secret) => secret.name);
  const invalid = needs.secrets
    .filter((secret) => values?.has(secret.name) && needs.formatProblem(secret.name, values.get(secret.name)!) !== null)
    .map((secret) => secret.name);
  return { missing, invalid };
}

export interface SetupPlan {
  toGenerate: NeededSecret[];
  toAsk: NeededSecret[];
}

/** Missing secrets, split into what px generates and what a person provides. */
export async function setupPlan(backend: SecretsBackend, needs: ProjectNeeds): Promise<SetupPlan> {
  const stored = new Set((await backend.list()).map((meta) => meta.name));
  const missing = needs.secrets.filter((secret) => !stored.has(secret.name));
  return { toGenerate: missing.filter((secret) => secret.provide === 'generate'), toAsk: missing.filter((secret) => secret.provide === 'prompt') };
}

export async function setupActions(backend: SecretsBackend, target: string, needs: ProjectNeeds): Promise<SetupActions> {
  const plan = await setupPlan(backend, needs);
  return {
    target,
    toGenerate: plan.toGenerate.map((secret) => secret.name),
    async generate(name) {
      const value = await needs.generate(name);
      await backend.put(name, value);
      return { length: [...value].length };
    },
    prompts: plan.toAsk.map(({ name, label, description, required, sensitive, format }) => ({ name, label, description, required, sensitive, format })),
    checkValue: (name, value) => valueRefusal(needs, name, value),
    checkFormat: (name, value) => needs.formatProblem(name, value),
    save: async (name, value) => void (await backend.put(name, value)),
    summarize: () => summarize(backend, needs),
  };
}
