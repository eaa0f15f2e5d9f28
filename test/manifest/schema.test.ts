// schema/px.config.schema.json ships in the package: the README's manifest example validates
// against it, and it refuses what px's own checks refuse.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/manifest/parse.js';

const ROOT = join(import.meta.dirname, '..', '..');
const schema = JSON.parse(readFileSync(join(ROOT, 'schema', 'px.config.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
const pxAccepts = (value: unknown): boolean => {
  try {
    parseConfig(value, 'px.config.json');
    return true;
  } catch {
    return false;
  }
};

/** The ```json block under the README's "The manifest" heading. */
function readmeExample(): unknown {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## The manifest'));
  const block = /```json\n([\s\S]*?)\n```/.exec(section);
  if (!block) throw new Error('test: no json block in the README manifest section');
  return JSON.parse(block[1]);
}

describe('px.config.schema.json', () => {
  it('is in the package', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.files).toContain('schema/');
  });

  it("validates the README's manifest example, which px reads too", () => {
    const example = readmeExample();
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
    expect(pxAccepts(example)).toBe(true);
    expect((example as { $schema: string }).$schema).toBe('./node_modules/px-secrets/schema/px.config.schema.json');
  });

  it.each([
    [{ secrets: { A: { class: 'magic' } } }],
    [{ secrets: { A: { class: 'user_prompt', requried: true } } }],
    [{ secrets: { 'bad-name': { class: 'user_prompt' } } }],
    [{ secrets: { A: { class: 'per_install_generated', generator: { type: 'random', length: 4 } } } }],
    [{ secrets: { A: { class: 'per_install_generated', generator: { type: 'uuid', length: 9 } } } }],
    [{ secrets: { A: { class: 'user_prompt', rotateAfterDays: 0 } } }],
    [{ secrets: { A: { class: 'user_prompt', tiers: { desktop: 'hide' } } } }],
    [{ secrets: { A: { class: 'user_prompt', envs: { Prod: {} } } } }],
    [{ secrets: { A: { class: 'user_prompt', envs: { prod: { class: 'x' } } } } }],
    [{ envs: { Staging: {} } }],
    [{ tiers: [] }],
    [{ url: 3 }],
    [{ deploy: [1] }],
    [{ extra: true }],
    [{ default: 'Prod' }],
  ])('%j: refused by the schema and by px', (value) => {
    expect(validate(value)).toBe(false);
    expect(pxAccepts(value)).toBe(false);
  });
});
