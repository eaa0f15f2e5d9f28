// px.config.json: every field checked, each problem named by its JSON path, exit 2.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { parseConfig, parseConfigText } from '../../src/core/manifest/parse.js';
import { CANARY } from '../helpers/project.js';

const EXAMPLE = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'product-manifest.json'), 'utf8');
const fail = (value: unknown): string => {
  try {
    parseConfig(value, 'px.config.json');
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    return (error as Error).message;
  }
  throw new Error('test: the manifest was accepted');
};
const secret = (entry: unknown): unknown => ({ secrets: { JWT_SECRET: entry } });

describe('parseConfig', () => {
  it('reads the example manifest with its defaults', () => {
    const config = parseConfigText(EXAMPLE, 'px.config.json');
    expect([...config.secrets!.keys()]).toEqual(['JWT_SECRET', 'OPENROUTER_API_KEY', 'DATABASE_URL', 'VAULT_DB_PASSWORD', 'LOG_LEVEL', 'SMTP_PASSWORD']);
    expect(config.secrets!.get('DATABASE_URL')).toMatchObject({ class: 'infrastructure', required: true, sensitive: true, tiers: { desktop: 'strip' } });
    expect(config.secrets!.get('LOG_LEVEL')).toMatchObject({ required: false, sensitive: false });
    expect(config.secrets!.get('SMTP_PASSWORD')!.envs).toEqual({ production: { required: true } });
    expect(config.envs).toEqual({ staging: { url: 'https://secrets.example.com' }, production: { url: undefined } });
    expect(config.credentials!.get('CLOUDFLARE_API_TOKEN')).toEqual({ description: 'Wrangler deploys' });
    expect(config.deploy).toBe('wrangler deploy');
  });

  it.each([
    [secret({ class: 'magic' }), '$.secrets.JWT_SECRET.class must be one of infrastructure, per_install_generated, user_prompt, remote_fetch'],
    [secret({ class: 'user_prompt', format: '^[a-' }), '$.secrets.JWT_SECRET.format is not a valid regular expression'],
    [secret({ class: 'per_install_generated', format: '^[A-Z]{40}$', generator: { type: 'random', length: 32, charset: 'alnum' } }), '$.secrets.JWT_SECRET.generator makes values that do not match'],
    [secret({ class: 'per_install_generated', format: '^[0-9a-f]+$' }), '$.secrets.JWT_SECRET.generator makes values that do not match'],
    [secret({ class: 'per_install_generated', generator: { type: 'random', length: 4 } }), '$.secrets.JWT_SECRET.generator.length must be a whole number from 8 to 4096'],
    [secret({ class: 'per_install_generated', generator: { type: 'random', length: 4097 } }), '$.secrets.JWT_SECRET.generator.length'],
    [secret({ class: 'per_install_generated', generator: { type: 'random', charset: 'emoji' } }), '$.secrets.JWT_SECRET.generator.charset must be one of alnum, hex, base64, base64url'],
    [secret({ class: 'per_install_generated', generator: { type: 'uuid', length: 9 } }), '$.secrets.JWT_SECRET.generator of type uuid takes no length or charset'],
    [secret({ class: 'user_prompt', requried: true }), '$.secrets.JWT_SECRET.requried is not a known field'],
    [secret({ class: 'user_prompt', required: 'yes' }), '$.secrets.JWT_SECRET.required must be true or false'],
    [secret({ class: 'user_prompt', rotateAfterDays: 0 }), '$.secrets.JWT_SECRET.rotateAfterDays must be a whole number of days'],
    [secret({ class: 'user_prompt', tiers: { desktop: 'hide' } }), '$.secrets.JWT_SECRET.tiers.desktop must be one of strip, generate, prompt, delegate'],
    [{ tiers: ['local'], ...(secret({ class: 'user_prompt', tiers: { desktop: 'strip' } }) as object) }, '$.secrets.JWT_SECRET.tiers.desktop names a tier that $.tiers does not declare'],
    [{ envs: { staging: {} }, ...(secret({ class: 'user_prompt', envs: { prod: { required: true } } }) as object) }, '$.secrets.JWT_SECRET.envs.prod names an environment that $.envs does not declare'],
    [secret({ class: 'user_prompt', envs: { production: { class: 'x' } } }), '$.secrets.JWT_SECRET.envs.production.class is not a known field'],
    [secret({ class: 'per_install_generated', envs: { production: { format: '^x' } } }), '$.secrets.JWT_SECRET.envs.production.format makes values'],
    [{ envs: { Staging: {} } }, '$.envs has an invalid name as its key number 1'],
    [{ default: 'prod', envs: { staging: {} } }, '$.default names an environment that $.envs does not declare'],
    [{ tiers: [] }, '$.tiers must be a non-empty array'],
    [{ url: 3 }, '$.url must be a string'],
    [{ deploy: [1] }, '$.deploy must be a command string or an array of strings'],
    [{ secrets: [] }, '$.secrets must be an object'],
    [{ secrets: { A: { class: 'user_prompt' } }, credentials: { A: {} } }, '$.secrets.A is also in $.credentials'],
    [{ extra: 1 }, '$.extra is not a known field'],
    [[], '$ must be an object'],
  ])('%j: %s', (value, message) => {
    expect(fail(value)).toContain(message);
  });

  it('never repeats a key that is not a name: it may be a value', () => {
    for (const value of [{ secrets: { [CANARY]: { class: 'user_prompt' } } }, { credentials: { [`${CANARY}-x`]: {} } }, { [`${CANARY} x`]: 1 }, { envs: { [`${CANARY}-X`]: {} } }]) {
      const message = fail(value);
      expect(message).not.toContain(CANARY);
    }
  });

  it('bad JSON: a line and column, never the text', () => {
    let message = '';
    try {
      parseConfigText(`{\n  "secrets": { "A": ${CANARY} }\n}`, 'px.config.json');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe('px.config.json is not valid JSON at line 2, column 21: fix it and run again.');
    expect(message).not.toContain(CANARY);
  });
});

describe('parseConfig: the JSON path of each nested field', () => {
  it.each([
    [secret({ class: 'user_prompt', description: 1 }), '$.secrets.JWT_SECRET.description must be a string'],
    [secret({ class: 'user_prompt', sensitive: 'no' }), '$.secrets.JWT_SECRET.sensitive must be true or false'],
    [secret({ class: 'user_prompt', prompt: { label: 2 } }), '$.secrets.JWT_SECRET.prompt.label must be a string'],
    [secret({ class: 'user_prompt', prompt: { description: false } }), '$.secrets.JWT_SECRET.prompt.description must be a string'],
    [secret({ class: 'user_prompt', prompt: { title: 'x' } }), '$.secrets.JWT_SECRET.prompt.title is not a known field (known: label, description)'],
    [secret({ class: 'user_prompt', prompt: 'x' }), '$.secrets.JWT_SECRET.prompt must be an object'],
    [secret({ class: 'per_install_generated', generator: 'x' }), '$.secrets.JWT_SECRET.generator must be an object'],
    [secret({ class: 'per_install_generated', generator: { type: 'random', size: 9 } }), '$.secrets.JWT_SECRET.generator.size is not a known field'],
    [secret({ class: 'per_install_generated', generator: { type: 'words' } }), '$.secrets.JWT_SECRET.generator.type must be "random" or "uuid"'],
    [secret({ class: 'user_prompt', envs: { production: { format: '(' } } }), '$.secrets.JWT_SECRET.envs.production.format is not a valid regular expression'],
    [secret({ class: 'user_prompt', envs: { production: { required: 1 } } }), '$.secrets.JWT_SECRET.envs.production.required must be true or false'],
    [secret({ class: 'user_prompt', envs: { production: { generator: { type: 'uuid', charset: 'hex' } } } }), '$.secrets.JWT_SECRET.envs.production.generator of type uuid takes no length or charset'],
    [secret({ class: 'per_install_generated', format: '^[a-f0-9-]{36}$', generator: { type: 'uuid' }, envs: { production: { generator: { type: 'random', length: 36, charset: 'alnum' } } } }), '$.secrets.JWT_SECRET.envs.production.generator makes values'],
    [{ credentials: { FLY_API_TOKEN: { rotateAfterDays: 1.5 } } }, '$.credentials.FLY_API_TOKEN.rotateAfterDays must be a whole number of days'],
    [{ credentials: { FLY_API_TOKEN: { description: [] } } }, '$.credentials.FLY_API_TOKEN.description must be a string'],
    [{ envs: { staging: { url: 1 } } }, '$.envs.staging.url must be a string'],
  ])('%j: %s', (value, message) => {
    expect(fail(value)).toContain(message);
  });

  it('a format checked once is checked again in another file, and a bad one is refused every time', () => {
    for (let i = 0; i < 2; i++) {
      expect(parseConfig(secret({ class: 'user_prompt', format: '^[a-z]+$' }), 'px.config.json').secrets!.get('JWT_SECRET')!.format).toBe('^[a-z]+$');
      expect(fail(secret({ class: 'user_prompt', format: '^[a-z' }))).toContain('$.secrets.JWT_SECRET.format is not a valid regular expression');
    }
  });

  it('equal generators read as equal values, whichever entry declares them', () => {
    const config = parseConfig({ secrets: { A: { class: 'per_install_generated', generator: { type: 'random', length: 40, charset: 'hex' } }, B: { class: 'per_install_generated', generator: { type: 'random', charset: 'hex', length: 40 } }, C: { class: 'per_install_generated', generator: { type: 'uuid' } } } }, 'px.config.json');
    expect(config.secrets!.get('A')!.generator).toEqual({ type: 'random', length: 40, charset: 'hex' });
    expect(config.secrets!.get('B')!.generator).toEqual({ type: 'random', length: 40, charset: 'hex' });
    expect(config.secrets!.get('C')!.generator).toEqual({ type: 'uuid' });
  });
});
