// px creds import through yargs → command → Ink, with an in-memory keychain.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCredsProject } from '../helpers/memory-keychain.js';
import { startPx } from '../helpers/px-session.js';
import { canary } from '../helpers/project.js';

const creds = useCredsProject();
const px = creds.px;
const options = creds.options;
const stored = async () => creds.keychain.entries(creds.service);
const deployFile = (): string => join(creds.project.root, '.env.deploy');
const writeDeploy = (text: string, path = deployFile()): void => writeFileSync(path, text);

describe('px creds import', () => {
  it('stores every credential of .env.deploy with --yes and keeps the file without --remove-file', async () => {
    writeDeploy(`# deploy\nexport CLOUDFLARE_API_TOKEN=${canary(1)}\nFLY_API_TOKEN="${canary(2)}"\n`);
    const result = await px(['creds', 'import', '--yes']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`Imported 2 into the OS keychain (${creds.service}): 2 created, 0 updated.\n`);
    expect(result.stderr).toMatch(/create CLOUDFLARE_API_TOKEN/);
    expect(result.stderr).toMatch(/\.env\.deploy still holds the credentials in plaintext/);
    expect(await stored()).toEqual(new Map([['CLOUDFLARE_API_TOKEN', canary(1)], ['FLY_API_TOKEN', canary(2)]]));
    expect(existsSync(deployFile())).toBe(true);
  });

  it('--remove-file deletes the plaintext file after storing', async () => {
    writeDeploy(`FLY_API_TOKEN=${canary(1)}\n`);
    const result = await px(['creds', 'import', '--yes', '--remove-file']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Deleted .env.deploy.');
    expect(existsSync(deployFile())).toBe(false);
    expect((await stored()).get('FLY_API_TOKEN')).toBe(canary(1));
  });

  it('reports every malformed line with its number and stores nothing', async () => {
    writeDeploy(`OK=${canary(1)}\nno equals here\nBAD KEY=x\nOPENAI_API_KEY=${canary(2)}\nEMPTY=\n`);
    const result = await px(['creds', 'import', '--yes']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: \.env\.deploy has 4 problems; nothing was imported\.$/m);
    expect(result.stderr).toMatch(/\.env\.deploy:2: not NAME=value, so dotenv skips this line/);
    expect(result.stderr).toMatch(/\.env\.deploy:3: not NAME=value/);
    expect(result.stderr).not.toContain('BAD');
    expect(result.stderr).toMatch(/\.env\.deploy:4: OPENAI_API_KEY is a runtime secret/);
    expect(result.stderr).toMatch(/\.env\.deploy:5: EMPTY: the value is empty/);
    expect(result.stderr).not.toContain(canary(1));
    expect(creds.keychain.items.size).toBe(0);
  });

  it.each([
    ['.env.secrets', /holds runtime secrets: send them to the endpoint with `px secret import \.env\.secrets`/],
    ['.env.secrets.production', /holds runtime secrets/],
  ])('refuses the runtime secrets file %s (exit 2)', async (file, message) => {
    writeDeploy(`FLY_API_TOKEN=${canary(1)}\n`, join(creds.project.root, file));
    const result = await px(['creds', 'import', file, '--yes']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(creds.keychain.items.size).toBe(0);
  });

  it('a missing or empty file is refused (exit 2)', async () => {
    const missing = await px(['creds', 'import', '--yes']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/\.env\.deploy not found/);
    writeDeploy('# nothing\n');
    const empty = await px(['creds', 'import', '--yes']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/holds no entries/);
  });

  it('non-interactive without --yes refuses (exit 2) and stores nothing', async () => {
    writeDeploy(`FLY_API_TOKEN=${canary(1)}\n`);
    const result = await px(['creds', 'import']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/needs confirmation and this run cannot prompt: pass --yes/);
    expect(creds.keychain.items.size).toBe(0);
  });

  it('replaces stored credentials with --yes, as secret import does; --force means the same as --yes', async () => {
    await creds.keychain.set(creds.service, 'FLY_API_TOKEN', canary(1));
    writeDeploy(`FLY_API_TOKEN=${canary(2)}\nCLOUDFLARE_API_TOKEN=${canary(3)}\n`);
    const replaced = await px(['creds', 'import', '--yes']);
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(replaced.stderr).toMatch(/update FLY_API_TOKEN/);
    expect(replaced.stdout).toContain(': 1 created, 1 updated.');
    expect((await stored()).get('FLY_API_TOKEN')).toBe(canary(2));
    writeDeploy(`FLY_API_TOKEN=${canary(4)}\n`);
    const forced = await px(['creds', 'import', '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain(': 0 created, 1 updated.');
    expect((await stored()).get('FLY_API_TOKEN')).toBe(canary(4));
  });

  it('with the keychain unavailable exits 4, stores nothing and keeps the file', async () => {
    creds.keychain.available = false;
    writeDeploy(`FLY_API_TOKEN=${canary(1)}\n`);
    const result = await px(['creds', 'import', '--yes', '--remove-file']);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/^error: The OS keychain is not available/m);
    expect(existsSync(deployFile())).toBe(true);
  });

  it('a keychain that fails part-way says what was stored and what was not, and keeps the file', async () => {
    writeDeploy(`A_TOKEN=${canary(1)}\nB_TOKEN=${canary(2)}\nC_TOKEN=${canary(3)}\n`);
    creds.keychain.failSetAfter = 1;
    const result = await px(['creds', 'import', '--yes', '--remove-file']);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/^ {2}stored before the failure: A_TOKEN$/m);
    expect(result.stderr).toMatch(/^ {2}not stored: B_TOKEN, C_TOKEN$/m);
    expect(existsSync(deployFile())).toBe(true);
  });
});

describe('px creds import on a TTY', () => {
  it('previews, confirms, stores, then offers to delete the file (default No keeps it)', async () => {
    writeDeploy(`FLY_API_TOKEN=${canary(1)}\n`);
    const session = startPx(['creds', 'import'], options({ interactive: true }));
    await session.waitForFrame(/Import 1 credential into the OS keychain[^\n]*\?/);
    expect(session.frames().join('\n')).toMatch(/create.*FLY_API_TOKEN/);
    await session.type('y');
    await session.press('enter');
    await session.waitForFrame(/Delete the plaintext \.env\.deploy now\?.*\(y\/N\)/);
    await session.press('enter');
    const result = await session.done;
    expect(result.code).toBe(0);
    expect(existsSync(deployFile())).toBe(true);
    expect((await stored()).get('FLY_API_TOKEN')).toBe(canary(1));
  });

  it('y at the delete offer removes the file', async () => {
    writeDeploy(`FLY_API_TOKEN=${canary(1)}\n`);
    const session = startPx(['creds', 'import', '--yes'], options({ interactive: true }));
    await session.waitForFrame(/Delete the plaintext \.env\.deploy now\?/);
    await session.type('y');
    await session.press('enter');
    expect((await session.done).code).toBe(0);
    expect(existsSync(deployFile())).toBe(false);
  });

  it('names the replacements in the question; No stores nothing (exit 1) and is not an error: line', async () => {
    await creds.keychain.set(creds.service, 'FLY_API_TOKEN', canary(1));
    writeDeploy(`FLY_API_TOKEN=${canary(2)}\n`);
    const session = startPx(['creds', 'import'], options({ interactive: true }));
    await session.waitForFrame(/Import 1 credential into the OS keychain[^\n]*, replacing 1\?/);
    await session.press('enter');
    const result = await session.done;
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('Import cancelled; nothing was stored.\n');
    expect((await stored()).get('FLY_API_TOKEN')).toBe(canary(1));
  });

  it('Ctrl+C at the offer to delete the file: the import stands, the file is kept, exit 0', async () => {
    writeDeploy(`FLY_API_TOKEN=${canary(1)}\n`);
    const session = startPx(['creds', 'import', '--yes'], options({ interactive: true }));
    await session.waitForFrame(/Delete the plaintext \.env\.deploy now\?/);
    await session.press('ctrl-c');
    const result = await session.done;
    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(/error:|Cancelled/);
    expect(result.stderr).toMatch(/\.env\.deploy still holds the credentials in plaintext/);
    expect(existsSync(deployFile())).toBe(true);
    expect((await stored()).get('FLY_API_TOKEN')).toBe(canary(1));
  });

  it('Esc at the confirmation cancels with exit 130 and stores nothing', async () => {
    writeDeploy(`FLY_API_TOKEN=${canary(1)}\n`);
    const session = startPx(['creds', 'import'], options({ interactive: true }));
    await session.waitForFrame(/Import 1 credential into the OS keychain[^\n]*\?/);
    await session.press('escape');
    expect((await session.done).code).toBe(130);
    expect(creds.keychain.items.size).toBe(0);
  });
});
