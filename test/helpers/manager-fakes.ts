// In-memory stand-ins for what `px ui` and `px setup` are given, for component tests: they keep
// values in a map (never rendered), record every call, and can be told to fail like a target.
import type { ImportPlan, ManagerActions, ManagerRow, PaneData, PaneId } from '../../components/manager-model.js';
import type { SetupActions, SetupPrompt } from '../../components/setup-model.js';

export interface FakeTarget {
  actions: ManagerActions;
  values: Record<PaneId, Map<string, string>>;
  calls: string[];
  /** The next load of the runtime pane fails with this message (an endpoint error). */
  failLoad?: string;
  /** Names declared but not stored (shown as missing). */
  declared: Set<string>;
}

/** `optional`: declared names that are not required (shown as `optional, not set` when absent). */
export function fakeTarget(
  options: { secrets?: string[]; credentials?: string[]; declared?: string[]; optional?: string[]; generated?: string[]; history?: boolean; environments?: string[]; readers?: Record<string, string[]> } = {},
): FakeTarget {
  const values = { secrets: new Map<string, string>(), credentials: new Map<string, string>() };
  for (const name of options.secrets ?? []) values.secrets.set(name, `stored-${name}`);
  for (const name of options.credentials ?? []) values.credentials.set(name, `stored-${name}`);
  const updated = new Map<string, string>();
  const generated = new Set(options.generated ?? []);
  const optional = new Set(options.optional ?? []);
  const declared = new Set([...(options.declared ?? []), ...optional, ...generated]);
  const target: FakeTarget = { values, calls: [], declared, actions: undefined as unknown as ManagerActions };
  const rows = (pane: PaneId): ManagerRow[] => {
    const list: ManagerRow[] = [...values[pane].keys()].map((name) => ({
      name,
      updatedAt: updated.get(name) ?? '2026-12-01T10:00:00.000Z',
      status: declared.size === 0 ? undefined : declared.has(name) ? (generated.has(name) ? 'generated' : 'configured') : 'not in manifest',
      generated: generated.has(name),
    }));
    if (pane === 'secrets') for (const name of declared) if (!values.secrets.has(name)) list.push({ name, status: optional.has(name) ? 'optional, not set' : 'missing', generated: generated.has(name) });
    return list.sort((a, b) => (a.name < b.name ? -1 : 1));
  };
  const plans = new WeakMap<ImportPlan, Map<string, string>>();
  target.actions = {
    environments: options.environments ?? ['development'],
    async load(env) {
      target.calls.push(`load ${env}`);
      const secrets: PaneData = target.failLoad ? { label: 'http://127.0.0.1:9', rows: [], error: target.failLoad } : { label: `store ${env}`, rows: rows('secrets') };
      // An admin's view: who may read each secret.
      if (options.readers && !target.failLoad) {
        secrets.readers = true;
        for (const row of secrets.rows) row.readers = options.readers[row.name] ?? [];
      }
      return { secrets, credentials: { label: 'OS keychain (test)', rows: rows('credentials') } };
    },
    checkName: (_pane, name) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? null : 'Not a valid name: names use letters, digits and _.'),
    checkValue: (_pane, name, value) => (name.startsWith('SK_') && !value.startsWith('sk-') ? `${name} does not match its format /^sk-/: type it again.` : null),
    formatOf: (pane, name) => (pane === 'secrets' && name.startsWith('SK_') ? { format: '^sk-', problem: (value: string) => (value.startsWith('sk-') ? null : `${name} does not match its format /^sk-/ (px.config.json)`) } : undefined),
    sensitive: (_pane, name) => !name.endsWith('_LEVEL'),
    async save(pane, name, value) {
      target.calls.push(`save ${pane} ${name}`);
      const existed = values[pane].has(name);
      values[pane].set(name, value);
      updated.set(name, new Date().toISOString());
      return existed ? 'updated' : 'created';
    },
    async generate(name) {
      target.calls.push(`generate ${name}`);
      values.secrets.set(name, 'g'.repeat(32));
      return { length: 32 };
    },
    async remove(pane, name) {
      target.calls.push(`remove ${pane} ${name}`);
      values[pane].delete(name);
    },
    importFile: (pane) => (pane === 'secrets' ? '.env.secrets' : '.env.deploy'),
    async previewImport(pane, file) {
      target.calls.push(`preview ${pane} ${file}`);
      if (file === 'broken.env') throw new Error('broken.env has 1 problem: line 2: no = after the name');
      const entries = new Map([['IMPORTED_ONE', 'imported-value-1'], ['IMPORTED_TWO', 'imported-value-2']]);
      const plan: ImportPlan = { file, items: [...entries.keys()].map((name) => ({ name, action: values[pane].has(name) ? 'update' : 'create' })), warnings: [] };
      plans.set(plan, entries);
      return plan;
    },
    async applyImport(pane, plan) {
      target.calls.push(`import ${pane} ${plan.items.length}`);
      for (const [name, value] of plans.get(plan)!) values[pane].set(name, value);
      return { created: plan.items.length, updated: 0 };
    },
    ...(options.history
      ? {
          history: async (name: string) => {
            target.calls.push(`history ${name}`);
            return [{ version: 2, createdAt: '2026-12-01T09:00:00.000Z', by: 'tok_admin', note: 'current, rotation' }, { version: 1, createdAt: '2026-11-01T09:00:00.000Z', by: 'local' }];
          },
        }
      : {}),
    async setup(env) {
      target.calls.push(`setup ${env}`);
      return fakeSetup({ prompts: [...declared].filter((name) => !values.secrets.has(name) && !generated.has(name)).map((name) => ({ name, label: name, required: false })), toGenerate: [...generated].filter((name) => !values.secrets.has(name)), store: values.secrets, calls: target.calls });
    },
  };
  return target;
}

export function fakeSetup(options: { toGenerate?: string[]; prompts?: SetupPrompt[]; store?: Map<string, string>; calls?: string[]; failSave?: Error } = {}): SetupActions & { store: Map<string, string>; calls: string[] } {
  const store = options.store ?? new Map<string, string>();
  const calls = options.calls ?? [];
  const prompts = options.prompts ?? [];
  return {
    store,
    calls,
    target: 'local store (.px)',
    toGenerate: options.toGenerate ?? [],
    async generate(name) {
      calls.push(`generate ${name}`);
      store.set(name, 'x'.repeat(32));
      return { length: 32 };
    },
    prompts,
    checkValue: (name, value) => (name.startsWith('SK_') && !value.startsWith('sk-') ? `${name} does not match its format /^sk-/ (px.config.json): type it again (the value was not kept).` : null),
    checkFormat: (name, value) => (name.startsWith('SK_') && !value.startsWith('sk-') ? `${name} does not match its format /^sk-/ (px.config.json)` : null),
    async save(name, value) {
      calls.push(`save ${name}`);
      if (options.failSave) throw options.failSave;
      store.set(name, value);
    },
    async summarize() {
      const missing = prompts.filter((prompt) => prompt.required && !store.has(prompt.name)).map((prompt) => prompt.name);
      return { missing, invalid: [] };
    },
  };
}
