// What `px ui` can do, over the real targets: the environment's secrets (local store or
// endpoint) and the project's deploy credentials (OS keychain). Every method turns into the same
// core calls the one-shot commands make, so the UI and `px secret …` agree on every rule.
import { isAbsolute, relative, resolve } from 'node:path';
import type { SecretEntry, SecretsBackend } from '../../core/backend.js';
import { readersFor } from '../../core/access/readers.js';
import { chunkEntries } from '../../core/chunks.js';
import { DeployCredentials } from '../../core/deploy-credentials.js';
import { PxError } from '../../core/errors.js';
import { deployCredentialNames, DEPLOY_FILE, runtimeSecretNames, SECRETS_FILE } from '../../core/examples.js';
import { gitIgnoreState, trackedFileFix } from '../../core/git-ignore.js';
import { isStale } from '../../core/manifest/plan.js';
import { nameProblem, valueProblem } from '../../core/names.js';
import { versionNote } from '../../core/secret-versions.js';
import type { Project } from '../../core/project.js';
import { openBackend, resolveTarget } from '../../core/target.js';
import type { HistoryEntry, ImportPlan, ManagerActions, ManagerRow, PaneData, PaneId } from '../../../components/manager-model.js';
import { keychainOf, type Io } from '../../cli/io.js';
import { runtimeRefusal } from '../creds/set.js';
import { readCredentialsFile } from '../creds/import.js';
import { readImportFile } from '../secret/import.js';
import { backendOptions, type GlobalArgs } from '../../cli/project-target.js';
import { projectNeeds, type ProjectNeeds } from '../setup/needs.js';
import { setupActions, storedValues, valueRefusal } from '../setup/setup-actions.js';

/** An error as one line for the screen: its message, and the first of its details. */
export function describeError(error: unknown): string {
  if (!(error instanceof PxError)) return `px failed unexpectedly: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
  const more = error.details.length > 1 ? ` (and ${error.details.length - 1} more)` : '';
  return error.details.length > 0 ? `${error.message} ${error.details[0].trim()}${more}` : error.message;
}

export class ManagerSession implements ManagerActions {
  readonly environments: string[];
  /** Warnings the targets gave while opening; the screen shows them, nothing writes to the terminal under it. */
  readonly warnings: string[] = [];
  private readonly backends = new Map<string, Promise<{ backend: SecretsBackend; label: string }>>();
  private readonly creds: DeployCredentials;

  /** `environment` is the one the UI starts in (--env, PX_ENV, the manifest's default). */
  constructor(
    private readonly io: Io,
    private readonly args: GlobalArgs,
    private readonly project: Project,
    environment: string,
  ) {
    this.environments = projectNeeds(project, environment).environments;
    this.creds = new DeployCredentials(keychainOf(io), project.root);
  }

  private readonly needsByEnv = new Map<string, ProjectNeeds>();

  private needs(env: string): ProjectNeeds {
    let needs = this.needsByEnv.get(env);
    if (!needs) this.needsByEnv.set(env, (needs = projectNeeds(this.project, env)));
    return needs;
  }

  /** The environment's target (its namespace of the local store, or its endpoint), opened once. */
  private open(env: string): Promise<{ backend: SecretsBackend; label: string }> {
    let opened = this.backends.get(env);
    if (!opened) {
      opened = (async () => {
        const target = resolveTarget(this.args.url, this.io.env, this.project, env);
        const backend = await openBackend(target, backendOptions(this.io, this.args, this.project, env, (text) => this.warnings.push(text)));
        return { backend, label: backend.label };
      })();
      // A failed open is tried again on the next load (`r`), not remembered.
      opened.catch(() => this.backends.delete(env));
      this.backends.set(env, opened);
    }
    return opened;
  }

  /** What kind of target the environment has, before it is opened (a bad URL counts as one). */
  private targetKind(env: string): 'url' | 'local' {
    try {
      return resolveTarget(this.args.url, this.io.env, this.project, env).kind;
    } catch {
      return 'url';
    }
  }

  async load(env: string): Promise<Record<PaneId, PaneData>> {
    const [secrets, credentials] = await Promise.all([this.loadSecrets(env), this.loadCredentials(env)]);
    return { secrets, credentials };
  }

  private async loadSecrets(env: string): Promise<PaneData> {
    let label = this.targetKind(env) === 'url' ? 'endpoint' : 'local store';
    try {
      const needs = this.needs(env);
      const opened = await this.open(env);
      label = opened.label;
      const stored = await opened.backend.list();
      // Values are read only to tell `invalid`, and only from the local store (an endpoint audits reads).
      const values = needs.secrets.some((secret) => secret.format !== undefined) ? await storedValues(opened.backend) : null;
      const declared = new Map(needs.secrets.map((secret) => [secret.name, secret]));
      const rows: ManagerRow[] = stored.map((meta) => {
        const secret = declared.get(meta.name);
        const status = needs.status(meta.name, meta, values?.get(meta.name));
        return { name: meta.name, updatedAt: meta.updatedAt, status: status === 'configured' && secret?.provide === 'generate' ? 'generated' : status, generated: secret?.generatable ?? false };
      });
      const names = new Set(stored.map((meta) => meta.name));
      // A secret the app fetches itself (remote_fetch) is not px's to hold: absent, it is not missing.
      for (const secret of needs.secrets) {
        if (!names.has(secret.name) && secret.provide !== 'none') rows.push({ name: secret.name, status: secret.required ? 'missing' : 'optional, not set', generated: secret.generatable });
      }
      // For an admin, which service tokens may read each one (names of tokens, never a token);
      // as in `px secret list`, only once some token may read something.
      const readers = await this.readersOf(env, opened.backend);
      const shown = readers !== null && readers.size > 0;
      if (shown) for (const row of rows) row.readers = readers.get(row.name) ?? [];
      return { label, rows: rows.sort(byName), ...(shown ? { readers: true } : {}) };
    } catch (error) {
      return { label, rows: [], error: describeError(error) };
    }
  }

  /** Environments whose endpoint refused the token listing (not an admin): not asked again, so
   *  each reload of the pane costs no refused requests in the server's audit log. */
  private readersRefused = new Set<string>();

  /** Who may read each secret, or null when this caller may not know; the list does not depend
   *  on it, so a failure to read it leaves the rows without readers. */
  private async readersOf(env: string, backend: SecretsBackend): Promise<Map<string, string[]> | null> {
    if (this.readersRefused.has(env)) return null;
    try {
      const readers = await readersFor(backend, this.project.root);
      if (readers === null && 'call' in backend) this.readersRefused.add(env);
      return readers;
    } catch {
      return null;
    }
  }

  private async loadCredentials(env: string): Promise<PaneData> {
    const declared = this.needs(env).credentials;
    try {
      const names = await this.creds.names();
      // When px set it (the keychain keeps no times), and stale past the entry's rotateAfterDays.
      const times = this.creds.setTimes();
      const now = Date.now();
      const rows: ManagerRow[] = names.map((name) => {
        const updatedAt = times.get(name);
        const period = this.project.manifest.credentials.get(name)?.rotateAfterDays;
        const stale = period !== undefined && updatedAt !== undefined && isStale({ rotateAfterDays: period }, updatedAt, now);
        return { name, updatedAt, status: stale ? 'stale' : declared.length === 0 ? undefined : declared.includes(name) ? 'configured' : 'not in manifest' };
      });
      for (const name of declared) if (!names.includes(name)) rows.push({ name, status: 'missing' });
      return { label: this.creds.label, rows: rows.sort(byName) };
    } catch (error) {
      return { label: 'OS keychain', rows: [], error: describeError(error) };
    }
  }

  checkName(pane: PaneId, name: string): string | null {
    const problem = nameProblem(name);
    if (problem) return `Not a valid name: ${problem}.`;
    const { root, manifest } = this.project;
    if (pane === 'secrets' && deployCredentialNames(root, manifest).has(name)) {
      return `${name} is a deploy credential: it belongs in the keychain (Tab, then n).`;
    }
    const refusal = pane === 'credentials' ? runtimeRefusal(name, runtimeSecretNames(root, manifest)) : null;
    return refusal ? `${refusal} (Tab, then n).` : null;
  }

  checkValue(pane: PaneId, name: string, value: string, env: string): string | null {
    if (pane === 'secrets') return valueRefusal(this.needs(env), name, value);
    const problem = valueProblem(value);
    return problem ? `Cannot store ${name}: ${problem}; type it again.` : null;
  }

  formatOf(pane: PaneId, name: string, env: string): { format: string; problem: (value: string) => string | null } | undefined {
    if (pane !== 'secrets') return undefined;
    const needs = this.needs(env);
    const format = needs.secrets.find((secret) => secret.name === name)?.format;
    return format === undefined ? undefined : { format, problem: (value) => needs.formatProblem(name, value) };
  }

  sensitive(pane: PaneId, name: string, env: string): boolean {
    return pane !== 'secrets' || (this.needs(env).secrets.find((secret) => secret.name === name)?.sensitive ?? true);
  }

  async save(pane: PaneId, name: string, value: string, env: string): Promise<'created' | 'updated'> {
    if (pane === 'credentials') {
      const exists = await this.creds.has(name);
      await this.creds.set(name, value);
      return exists ? 'updated' : 'created';
    }
    const { backend } = await this.open(env);
    const exists = await backend.exists(name);
    await backend.put(name, value);
    return exists ? 'updated' : 'created';
  }

  async generate(name: string, env: string): Promise<{ length: number }> {
    const value = await this.needs(env).generate(name);
    const { backend } = await this.open(env);
    // A new generated value for one that is stored is a rotation, and its history says so.
    await backend.put(name, value, { rotation: await backend.exists(name) });
    return { length: [...value].length };
  }

  async remove(pane: PaneId, name: string, env: string): Promise<void> {
    if (pane === 'credentials') {
      if (!(await this.creds.delete(name))) throw new PxError('not-found', `No deploy credential named ${name} in the ${this.creds.label}.`);
      return;
    }
    await (await this.open(env)).backend.delete(name);
  }

  importFile(pane: PaneId): string {
    return relative(this.io.cwd, resolve(this.project.root, pane === 'secrets' ? SECRETS_FILE : DEPLOY_FILE)) || SECRETS_FILE;
  }

  private entries = new WeakMap<ImportPlan, SecretEntry[]>();

  async previewImport(pane: PaneId, file: string, env: string): Promise<ImportPlan> {
    const path = resolve(this.io.cwd, file);
    const { entries, warnings } = pane === 'secrets' ? readImportFile(path, file, this.project.root) : readCredentialsFile(path, file, this.project.root);
    const existing = new Set(pane === 'secrets' ? (await (await this.open(env)).backend.list()).map((meta) => meta.name) : await this.creds.names());
    const inside = relative(this.project.root, path);
    const state = inside && !inside.startsWith('..') && !isAbsolute(inside) ? gitIgnoreState(this.project.root, inside) : null;
    if (state === 'not-ignored') warnings.push(`${file} holds plaintext secrets and is not git-ignored: add it to .gitignore.`);
    if (state === 'tracked') warnings.push(trackedFileFix(this.project.root, inside));
    const plan: ImportPlan = { file, items: entries.map((entry) => ({ name: entry.name, action: existing.has(entry.name) ? 'update' : 'create' })), warnings };
    // The values stay here, next to the plan the screen holds, and never go to the screen.
    this.entries.set(plan, entries);
    return plan;
  }

  async applyImport(pane: PaneId, plan: ImportPlan, env: string): Promise<{ created: number; updated: number }> {
    const entries = this.entries.get(plan);
    if (!entries) throw new PxError('usage', 'That preview is gone: press i to read the file again.');
    if (pane === 'credentials') {
      for (const entry of entries) await this.creds.set(entry.name, entry.value);
      const updated = plan.items.filter((item) => item.action === 'update').length;
      return { created: entries.length - updated, updated };
    }
    const { backend } = await this.open(env);
    const total = { created: 0, updated: 0 };
    for (const chunk of chunkEntries(entries, backend.bulkLimit)) {
      const result = await backend.bulkPut(chunk);
      total.created += result.created;
      total.updated += result.updated;
    }
    return total;
  }

  async history(name: string, env: string): Promise<HistoryEntry[]> {
    const versions = await (await this.open(env)).backend.versions(name);
    // `by` comes from the target: shown as plain text, never as terminal controls.
    return versions.map((v) => ({ version: v.version, createdAt: v.createdAt, by: v.by.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?'), note: versionNote(v) }));
  }

  async setup(env: string) {
    const { backend, label } = await this.open(env);
    return setupActions(backend, label, this.needs(env));
  }

  async close(): Promise<void> {
    for (const opened of this.backends.values()) {
      try {
        await (await opened).backend.close?.();
      } catch {
        // a target that never opened has nothing to close
      }
    }
  }
}

const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
