// A px.config.json with one secret of each kind the wizard and the manager treat differently,
// and no `url`, so every test of it stays on the project's local store.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SETUP_MANIFEST = {
  envs: { staging: {}, production: {} },
  tiers: ['local', 'desktop'],
  secrets: {
    JWT_SECRET: {
      class: 'per_install_generated',
      description: 'JWT signing key',
      format: '^[A-Za-z0-9]{32,}$',
      generator: { type: 'random', length: 32, charset: 'alnum' },
      rotateAfterDays: 90,
    },
    SESSION_KEY: { class: 'per_install_generated', generator: { type: 'random', length: 64, charset: 'hex' } },
    OPENROUTER_API_KEY: {
      class: 'user_prompt',
      format: '^sk-or-',
      prompt: { label: 'OpenRouter API Key', description: 'Enables AI features. Get one at openrouter.ai' },
    },
    DATABASE_URL: { class: 'infrastructure', description: 'The app database', tiers: { desktop: 'strip' } },
    VAULT_DB_PASSWORD: { class: 'remote_fetch', description: 'Fetched from the company vault at startup' },
    LOG_LEVEL: { class: 'user_prompt', required: false, sensitive: false },
    SMTP_PASSWORD: { class: 'user_prompt', required: false, envs: { production: { required: true } } },
  },
  credentials: { CLOUDFLARE_API_TOKEN: { description: 'Wrangler deploys' } },
};

export function writeSetupManifest(root: string, manifest: object = SETUP_MANIFEST): void {
  writeFileSync(join(root, 'px.config.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}
