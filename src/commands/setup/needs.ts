// What the project declares it needs, as `px setup` and `px ui` use it: for each declared secret
// how it is provided (generated, asked for, or neither), and each stored one's status. Without a
// manifest every name of .env.secrets.example is a required secret a person provides and every
// name of .env.deploy.example a deploy credential.
import { DEPLOY_EXAMPLE, readExampleNames, SECRETS_EXAMPLE } from '../../core/examples.js';
import { WELL_KNOWN_DEPLOY_CREDENTIALS } from '../../core/names.js';
import type { Project } from '../../core/project.js';
import type { RowStatus } from '../../../components/manager-model.js';

export interface NeededSecret {
  name: string;
  /** How setup provides it: generated (step 1), asked for (step 2), or not by px. */
  provide: 'generate' | 'prompt' | 'none';
  required: boolean;
  label: string;
  description?: string;
}

export interface ProjectNeeds {
  /** Whether the project declares anything (a manifest or an example file). */
  declared: boolean;
  environments: string[];
  secrets: NeededSecret[];
  credentials: string[];
  /** Why `value` breaks NAME's format, naming the rule, never the value; null when it passes. */
  formatProblem(name: string, value: string): string | null;
  /** A new value from NAME's generator; throws when it has none. */
  generate(name: string): string;
  /** The status of a stored or declared name; undefined when the project declares nothing. */
  status(name: string, stored: { updatedAt: string } | undefined, value?: string): RowStatus | undefined;
}

export const DEFAULT_ENVIRONMENT = 'development';

export function projectNeeds(project: Project, _env: string, _tier?: string): ProjectNeeds {
  const credentials = readExampleNames(project.root, DEPLOY_EXAMPLE) ?? [];
  const names = readExampleNames(project.root, SECRETS_EXAMPLE);
  const deploy = new Set([...WELL_KNOWN_DEPLOY_CREDENTIALS, ...credentials]);
  const secrets: NeededSecret[] = (names ?? []).filter((name) => !deploy.has(name)).map((name) => ({ name, provide: 'prompt', required: true, label: name }));
  const declared = names !== null;
  const byName = new Map(secrets.map((secret) => [secret.name, secret]));
  return {
    declared,
    environments: [DEFAULT_ENVIRONMENT],
    secrets,
    credentials,
    formatProblem: () => null,
    generate(name) {
      throw new Error(`${name} has no generator`);
    },
    status(name, stored) {
      if (!declared) return undefined;
      if (!byName.has(name)) return 'not in manifest';
      return stored ? 'configured' : 'missing';
    },
  };
}
