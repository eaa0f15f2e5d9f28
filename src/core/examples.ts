// The names an example file (.env.secrets.example, .env.deploy.example) lists. Example files
// usually leave values empty, which the import parser rightly refuses, so only names are read here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WELL_KNOWN_DEPLOY_CREDENTIALS, WELL_KNOWN_RUNTIME_SECRETS } from './names.js';
import type { Manifest } from './manifest/types.js';

export const SECRETS_FILE = '.env.secrets';
export const SECRETS_EXAMPLE = '.env.secrets.example';
export const DEPLOY_FILE = '.env.deploy';
export const DEPLOY_EXAMPLE = '.env.deploy.example';

const ASSIGNMENT = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/;

/** Names in `root/file`, in file order; null when the file does not exist. */
export function readExampleNames(root: string, file: string): string[] | null {
  let text: string;
  try {
    text = readFileSync(join(root, file), 'utf8');
  } catch {
    return null;
  }
  const names: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const match = ASSIGNMENT.exec(raw);
    if (match && !names.includes(match[1])) names.push(match[1]);
  }
  return names;
}

/** What the project itself declares: its example files and manifest. A name both claim is a deploy credential. */
function declaredNames(root: string, manifest?: Pick<Manifest, 'credentials' | 'secrets'>): { deploy: Set<string>; runtime: Set<string> } {
  const deploy = new Set([...(readExampleNames(root, DEPLOY_EXAMPLE) ?? []), ...(manifest?.credentials.keys() ?? [])]);
  const runtime = [...(readExampleNames(root, SECRETS_EXAMPLE) ?? []), ...(manifest?.secrets.keys() ?? [])];
  return { deploy, runtime: new Set(runtime.filter((name) => !deploy.has(name))) };
}

/**
 * Deploy credential names: this project's .env.deploy.example and manifest `credentials`, plus the
 * well-known list for names the project does not declare as runtime secrets (its own declaration
 * wins: a project may run on GITHUB_TOKEN).
 */
export function deployCredentialNames(root: string, manifest?: Pick<Manifest, 'credentials' | 'secrets'>): Set<string> {
  const declared = declaredNames(root, manifest);
  return new Set([...declared.deploy, ...[...WELL_KNOWN_DEPLOY_CREDENTIALS].filter((name) => !declared.runtime.has(name))]);
}

/**
 * Runtime secret names: this project's .env.secrets.example and manifest `secrets`, plus the
 * well-known list minus every deploy credential (a name both lists claim belongs to the keychain,
 * so it always has a home).
 */
export function runtimeSecretNames(root: string, manifest?: Pick<Manifest, 'credentials' | 'secrets'>): Set<string> {
  const declared = declaredNames(root, manifest);
  const deploy = deployCredentialNames(root, manifest);
  return new Set([...declared.runtime, ...[...WELL_KNOWN_RUNTIME_SECRETS].filter((name) => !deploy.has(name))]);
}

const isEnvFile = (path: string, kind: string): boolean => {
  const base = path.split(/[\\/]/).pop() ?? '';
  return new RegExp(`^\\.env\\.${kind}(\\.|$)`).test(base) && !base.endsWith('.example');
};

/** Is `path` a deploy credentials file (`.env.deploy`, `.env.deploy.local`, …)? */
export const isDeployFile = (path: string): boolean => isEnvFile(path, 'deploy');

/** Is `path` a runtime secrets file (`.env.secrets`, `.env.secrets.production`, …)? */
export const isSecretsFile = (path: string): boolean => isEnvFile(path, 'secrets');
