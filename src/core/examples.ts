// The names an example file (.env.secrets.example, .env.deploy.example) lists. Example files
// usually leave values empty, which the import parser rightly refuses, so only names are read here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WELL_KNOWN_DEPLOY_CREDENTIALS } from './names.js';

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

/** Deploy credential names: the well-known list plus this project's .env.deploy.example. */
export function deployCredentialNames(root: string): Set<string> {
  return new Set([...WELL_KNOWN_DEPLOY_CREDENTIALS, ...(readExampleNames(root, DEPLOY_EXAMPLE) ?? [])]);
}

/** Is `path` a deploy credentials file (`.env.deploy`, `.env.deploy.local`, …)? */
export function isDeployFile(path: string): boolean {
  const base = path.split(/[\\/]/).pop() ?? '';
  return /^\.env\.deploy(\.|$)/.test(base) && !base.endsWith('.example');
}
