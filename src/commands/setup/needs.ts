// What the project declares it needs, as `px setup` and `px ui` use it, read from its manifest
// (px.config.json, else its example files): for each declared secret how it is provided in the
// environment and tier (generated, asked for, or not by px), its format, and each stored one's
// status. A project that declares nothing gets empty lists; the commands then say how to declare.
import { UsageError } from '../../core/errors.js';
import { DEFAULT_GENERATOR } from '../../core/manifest/charsets.js';
import { DEFAULT_ENV, deployCredentialsOf, manifestSecret } from '../../core/manifest/manifest.js';
import { formatProblem, resolveSecret, secretStatus, strategyFor } from '../../core/manifest/plan.js';
import type { Manifest } from '../../core/manifest/types.js';
import type { Project } from '../../core/project.js';
import type { RowStatus } from '../../../components/manager-model.js';
import { generateMatching } from '../secret/generate.js';

export interface NeededSecret {
  name: string;
  /** How setup provides it: generated (step 1), asked for (step 2), or not by px (stripped, or fetched by the app). */
  provide: 'generate' | 'prompt' | 'none';
  required: boolean;
  /** The manifest's prompt label, else the name. */
  label: string;
  description?: string;
  /** False for configuration that is not secret: shown as typed. */
  sensitive: boolean;
  /** The regular expression its value must match, as px.config.json writes it. */
  format?: string;
  /** px can generate a value for it (`g` in the UI). */
  generatable: boolean;
}

export interface ProjectNeeds {
  /** Where the declarations come from; `none` when the project declares nothing. */
  source: Manifest['source'];
  /** Whether the project declares anything (a manifest or an example file). */
  declared: boolean;
  /** What the environment switcher offers: the manifest's environments, the current one included. */
  environments: string[];
  /** The declared secrets, in manifest order, as this environment and tier see them. */
  secrets: NeededSecret[];
  credentials: string[];
  /** Why `value` breaks NAME's format, naming the rule, never the value; null when it passes or NAME has none. */
  formatProblem(name: string, value: string): string | null;
  /** A new value from NAME's generator that matches its format; rejects when NAME is not declared. */
  generate(name: string): Promise<string>;
  /** The status of a stored or declared name; undefined when the project declares nothing. */
  status(name: string, stored: { updatedAt: string } | undefined, value?: string): RowStatus | undefined;
}

/** The project's default environment, then the ones px.config.json declares, then `current`, each once. */
export function environmentsOf(manifest: Pick<Manifest, 'defaultEnv' | 'envs'>, current: string): string[] {
  return [...new Set([manifest.defaultEnv ?? DEFAULT_ENV, ...Object.keys(manifest.envs), current])];
}

export function projectNeeds(project: Project, env: string, tier?: string): ProjectNeeds {
  const { manifest } = project;
  const deploy = deployCredentialsOf(manifest);
  const secrets: NeededSecret[] = [];
  for (const spec of manifest.secrets.values()) {
    if (deploy.has(spec.name)) continue;
    const secret = resolveSecret(spec, env);
    const strategy = strategyFor(spec, tier);
    secrets.push({
      name: spec.name,
      provide: strategy === 'generate' ? 'generate' : strategy === 'prompt' ? 'prompt' : 'none',
      required: secret.required,
      label: secret.prompt?.label ?? spec.name,
      description: secret.prompt?.description ?? secret.description,
      sensitive: secret.sensitive,
      format: secret.format,
      generatable: secret.generator !== undefined || strategy === 'generate',
    });
  }
  const declared = manifest.source !== 'none';
  const resolved = (name: string) => manifestSecret(manifest, name, env);
  return {
    source: manifest.source,
    declared,
    environments: environmentsOf(manifest, env),
    secrets,
    credentials: [...manifest.credentials.keys()],
    formatProblem(name, value) {
      const secret = resolved(name);
      return secret ? formatProblem(secret, value) : null;
    },
    async generate(name) {
      const secret = resolved(name);
      if (!secret) throw new UsageError(`${name} is not declared in px.config.json: generate it with \`px secret generate ${name}\`.`);
      // A tier that generates a secret whose entry names no generator gets px's default one.
      return generateMatching(manifest, env, name, secret.generator ?? DEFAULT_GENERATOR);
    },
    status(name, stored, value) {
      if (!declared) return undefined;
      return secretStatus(resolved(name), stored, value);
    },
  };
}
