// The full-screen manager, key by key and state by state, with in-memory targets: what the user
// sees, what reached the target, and that no value is ever on screen.
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Manager } from '../../components/Manager.js';
import { fakeTarget } from '../helpers/manager-fakes.js';
import { allFrames, frameMatching, KEY, press, type Instance } from '../helpers/ink-driver.js';
import { canary } from '../helpers/project.js';

const NOW = () => new Date('2026-12-01T12:00:00.000Z');
let instance: Instance | undefined;
afterEach(() => instance?.unmount());

function mount(target = fakeTarget(), size?: { columns: number; rows: number }) {
  const onQuit = vi.fn();
  instance = render(<Manager actions={target.actions} environment="development" onQuit={onQuit} now={NOW} />);
  if (size) resize(instance, size);
  return { instance, onQuit, target };
}

function resize(on: Instance, size: { columns: number; rows: number }): void {
  Object.defineProperty(on.stdout, 'columns', { value: size.columns, configurable: true });
  Object.defineProperty(on.stdout, 'rows', { value: size.rows, configurable: true });
  on.stdout.emit('resize');
}

describe('states', () => {
  it('empty project: both panes say how to start', async () => {
    const { instance } = mount();
    const frame = await frameMatching(instance, /No secrets yet/);
    expect(frame).toContain('px · store development · development');
    expect(frame).toContain('No secrets yet: n adds one, i imports a file, s runs the setup.');
    expect(frame).toContain('No deploy credentials yet');
  });

  it('no manifest: stored rows without a status', async () => {
    const { instance } = mount(fakeTarget({ secrets: ['API_KEY'] }));
    const frame = await frameMatching(instance, /API_KEY/);
    expect(frame).toMatch(/› API_KEY +2 h ago *$/m);
    expect(frame).not.toMatch(/configured|missing|not in manifest/);
  });

  it('all configured, a missing one, a generated one, and one not in the manifest', async () => {
    const { instance } = mount(fakeTarget({ secrets: ['API_KEY', 'JWT_SECRET', 'EXTRA'], declared: ['API_KEY', 'SMTP_PASSWORD'], generated: ['JWT_SECRET'], credentials: ['CLOUDFLARE_API_TOKEN'] }));
    const frame = await frameMatching(instance, /SMTP_PASSWORD/);
    expect(frame).toMatch(/API_KEY +2 h ago +configured/);
    expect(frame).toMatch(/JWT_SECRET +2 h ago +generated/);
    expect(frame).toMatch(/EXTRA +2 h ago +not in manifest/);
    expect(frame).toMatch(/SMTP_PASSWORD +— +missing/);
    expect(frame).toContain('CLOUDFLARE_API_TOKEN');
    expect(frame).toContain('Deploy credentials · 1 row · OS keychain (test)');
    expect(frame).toContain('px · store development · development · 1 missing: s sets up');
  });

  it('an optional secret that is not set is not missing: its own status, and the status line counts only required ones', async () => {
    const { instance } = mount(fakeTarget({ secrets: ['API_KEY'], declared: ['API_KEY'], optional: ['LOG_LEVEL'], history: true }));
    let frame = await frameMatching(instance, /LOG_LEVEL/);
    expect(frame).toMatch(/LOG_LEVEL +— +optional, not set/);
    expect(frame).not.toContain('missing');
    await press(instance, 'j', 'd');
    frame = await frameMatching(instance, /LOG_LEVEL is not stored: nothing to delete\./);
    await press(instance, 'h');
    await frameMatching(instance, /LOG_LEVEL is not stored: no history yet\./);
  });

  for (const [what, message] of [
    ['unreachable', 'Cannot reach http://127.0.0.1:9: connection refused. Check the URL or start the endpoint.'],
    ['401', 'http://127.0.0.1:9 rejected the token (401): set PX_TOKEN or run `px login`.'],
    ['500', 'http://127.0.0.1:9 failed (500): try again later.'],
  ]) {
    it(`endpoint ${what}: the pane says so, credentials still show, r tries again`, async () => {
      const target = fakeTarget({ credentials: ['FLY_API_TOKEN'], secrets: ['API_KEY'] });
      target.failLoad = message;
      const { instance } = mount(target);
      const frame = await frameMatching(instance, /FLY_API_TOKEN/);
      expect(frame).toContain(message.slice(0, 60));
      target.failLoad = undefined;
      await press(instance, 'r');
      await frameMatching(instance, /API_KEY/);
    });
  }

  it('does not wrap at 70 columns and redraws on resize', async () => {
    const long = `A_VERY_LONG_SECRET_NAME_${'X'.repeat(80)}`;
    const { instance } = mount(fakeTarget({ secrets: [long, 'SHORT'], declared: ['SHORT'] }), { columns: 70, rows: 20 });
    const frame = await frameMatching(instance, /SHORT/);
    for (const line of frame.split('\n')) expect(line.length, line).toBeLessThan(70);
    expect(frame.split('\n').length).toBeLessThanOrEqual(19);
    expect(frame).toContain('…');
    resize(instance, { columns: 120, rows: 30 });
    const wide = await frameMatching(instance, /\? keys  q quit/);
    expect(wide.split('\n').length).toBe(29);
  });
});

describe('who may read a secret (an admin)', () => {
  it("a line under the secrets names the selected one's service tokens, following the selection; the screen still fits", async () => {
    const target = fakeTarget({ secrets: ['API_KEY', 'DATABASE_URL'], readers: { API_KEY: ['billing-api', 'worker'] } });
    const { instance } = mount(target, { columns: 80, rows: 20 });
    const frame = await frameMatching(instance, /API_KEY is readable by billing-api, worker/);
    expect(frame.split('\n').length).toBeLessThanOrEqual(19);
    await press(instance, KEY.down);
    await frameMatching(instance, /DATABASE_URL: no service token may read it/);
    await press(instance, '/', 'A', 'P', 'I');
    await frameMatching(instance, /API_KEY is readable by billing-api, worker/);
    expect(allFrames(instance)).not.toContain('stored-');
  });

  it('not shown to a caller who cannot know (the target gave no readers)', async () => {
    const { instance } = mount(fakeTarget({ secrets: ['API_KEY'] }));
    await frameMatching(instance, /› API_KEY/);
    expect(allFrames(instance)).not.toMatch(/readable by|no service token/);
  });
});

describe('keys', () => {
  it('↑ ↓ j k move, Tab switches pane, q quits, Ctrl+C quits', async () => {
    const { instance, onQuit } = mount(fakeTarget({ secrets: ['A', 'B', 'C'], credentials: ['FLY_API_TOKEN'] }));
    await frameMatching(instance, /› A/);
    await press(instance, KEY.down, 'j');
    await frameMatching(instance, /› C/);
    await press(instance, KEY.up, 'k', 'k');
    await frameMatching(instance, /› A/);
    await press(instance, KEY.tab);
    const frame = await frameMatching(instance, /› FLY_API_TOKEN/);
    expect(frame).toContain('▸ Deploy credentials');
    await press(instance, 'q');
    expect(onQuit).toHaveBeenCalledTimes(1);
    await press(instance, KEY.ctrlC);
    expect(onQuit).toHaveBeenCalledTimes(2);
  });

  it('/ filters as you type; Enter keeps the filter, Esc clears it; only name characters are kept', async () => {
    const { instance } = mount(fakeTarget({ secrets: ['API_KEY', 'API_URL', 'DATABASE_URL'] }));
    await frameMatching(instance, /DATABASE_URL/);
    await press(instance, '/', 'u', 'r');
    let frame = await frameMatching(instance, /filter ur▏ · 2 of 3/);
    expect(frame).not.toContain('API_KEY');
    await press(instance, '-', KEY.backspace, 'r', 'l');
    await frameMatching(instance, /filter url▏ · 2 of 3/);
    await press(instance, KEY.backspace, KEY.enter);
    frame = await frameMatching(instance, /filter ur · 2 of 3/);
    await press(instance, KEY.escape);
    frame = await frameMatching(instance, /3 rows/);
    expect(frame).toContain('API_KEY');
  });

  it('n: a name, then a hidden value; the value never shows; an invalid name is refused without being shown', async () => {
    const { instance, target } = mount();
    await frameMatching(instance, /No secrets yet/);
    await press(instance, 'n');
    await frameMatching(instance, /New secret name:/);
    await press(instance, 'not a name');
    let frame = await frameMatching(instance, /not shown: a name has only letters/);
    expect(frame).not.toContain('not a name');
    await press(instance, '\u0015', 'NEW_KEY', KEY.enter);
    await frameMatching(instance, /Value for NEW_KEY:/);
    await press(instance, canary(1), KEY.enter);
    frame = await frameMatching(instance, /Created NEW_KEY in store development\./);
    expect(frame).toMatch(/› NEW_KEY +just now/);
    expect(target.values.secrets.get('NEW_KEY')).toBe(canary(1));
    expect(allFrames(instance)).not.toContain(canary(1));
  });

  it('n on an existing name asks before replacing; e replaces; a value failing its format is refused with the rule and asked again', async () => {
    const { instance, target } = mount(fakeTarget({ secrets: ['SK_KEY'] }));
    await frameMatching(instance, /SK_KEY/);
    await press(instance, 'n');
    await frameMatching(instance, /New secret name:/);
    await press(instance, 'SK_KEY', KEY.enter);
    await frameMatching(instance, /SK_KEY already exists in store development\. Replace it\?/);
    await press(instance, 'n', KEY.enter);
    await frameMatching(instance, /Kept SK_KEY; nothing changed\./);
    await frameMatching(instance, /› SK_KEY/);
    await press(instance, 'e');
    await frameMatching(instance, /Value for SK_KEY:/);
    await press(instance, canary(2), KEY.enter);
    const frame = await frameMatching(instance, /does not match its format \/\^sk-\//);
    expect(frame).toContain('Value for SK_KEY:');
    await press(instance, `sk-${canary(3)}`, KEY.enter);
    await frameMatching(instance, /Updated SK_KEY in store development\./);
    expect(target.values.secrets.get('SK_KEY')).toBe(`sk-${canary(3)}`);
    expect(allFrames(instance)).not.toContain(canary(2));
    expect(allFrames(instance)).not.toContain(canary(3));
  });

  it('Esc at the hidden prompt changes nothing', async () => {
    const { instance, target } = mount(fakeTarget({ secrets: ['API_KEY'] }));
    await frameMatching(instance, /API_KEY/);
    await press(instance, 'e', 'half', KEY.escape);
    await frameMatching(instance, /Cancelled; nothing changed\./);
    expect(target.values.secrets.get('API_KEY')).toBe('stored-API_KEY');
  });

  it('d deletes after a yes, keeps on Enter (default No); a missing row has nothing to delete', async () => {
    const { instance, target } = mount(fakeTarget({ secrets: ['OLD'], declared: ['ABSENT', 'OLD'] }));
    await frameMatching(instance, /› ABSENT/);
    await press(instance, 'd');
    await frameMatching(instance, /ABSENT is not stored: nothing to delete\./);
    await press(instance, KEY.down, 'd');
    await frameMatching(instance, /Delete OLD from store development\? This cannot be undone\. \(y\/N\)/);
    await press(instance, KEY.enter);
    await frameMatching(instance, /Kept OLD; nothing changed\./);
    await press(instance, 'd');
    await frameMatching(instance, /Delete OLD/);
    await press(instance, 'y', KEY.enter);
    await frameMatching(instance, /Deleted OLD from store development\./);
    expect(target.values.secrets.has('OLD')).toBe(false);
    expect(target.calls).toContain('remove secrets OLD');
  });

  it('g generates a missing generated secret, asks before replacing a stored one, and says when there is no generator', async () => {
    const { instance, target } = mount(fakeTarget({ secrets: ['PLAIN', 'SESSION_KEY'], generated: ['JWT_SECRET', 'SESSION_KEY'] }));
    await frameMatching(instance, /› JWT_SECRET +— +missing/);
    await press(instance, 'g');
    await frameMatching(instance, /Generated JWT_SECRET \(32 chars\) in store development\./);
    await press(instance, KEY.down, 'g');
    await frameMatching(instance, /PLAIN has no generator/);
    await press(instance, KEY.down, 'g');
    await frameMatching(instance, /Replace SESSION_KEY with a newly generated value\?/);
    await press(instance, 'y', KEY.enter);
    await frameMatching(instance, /Generated SESSION_KEY/);
    expect(target.calls.filter((call) => call.startsWith('generate'))).toEqual(['generate JWT_SECRET', 'generate SESSION_KEY']);
    expect(allFrames(instance)).not.toContain('g'.repeat(32));
  });

  it('i previews a file and imports it after a yes; a bad file is refused with its problem', async () => {
    const { instance, target } = mount();
    await frameMatching(instance, /No secrets yet/);
    await press(instance, 'i');
    await frameMatching(instance, /Import file: \.env\.secrets/);
    await press(instance, '\u0015', 'broken.env', KEY.enter);
    await frameMatching(instance, /line 2: no = after the name/);
    await press(instance, '\u0015', 'good.env', KEY.enter);
    const frame = await frameMatching(instance, /Import 2 into store development\?/);
    expect(frame).toContain('Import 2 from good.env into store development: 2 to create, 0 to update');
    expect(frame).toMatch(/create +IMPORTED_ONE/);
    await press(instance, 'y', KEY.enter);
    await frameMatching(instance, /Imported 2 into store development: 2 created, 0 updated\./);
    expect(target.values.secrets.get('IMPORTED_TWO')).toBe('imported-value-2');
    expect(allFrames(instance)).not.toContain('imported-value');
  });

  it('h shows versions when the target keeps them, and says so when it does not', async () => {
    const kept = mount(fakeTarget({ secrets: ['API_KEY'], history: true }));
    await frameMatching(kept.instance, /API_KEY/);
    await press(kept.instance, 'h');
    const frame = await frameMatching(kept.instance, /History of API_KEY \(2 versions/);
    expect(frame).toMatch(/v2 +3 h ago +tok_admin +current, rotation/);
    expect(frame).toMatch(/v1 +.* local\s*$/m);
    await press(kept.instance, 'x');
    await frameMatching(kept.instance, /› API_KEY/);
    kept.instance.unmount();
    const none = mount(fakeTarget({ secrets: ['API_KEY'] }));
    await frameMatching(none.instance, /API_KEY/);
    await press(none.instance, 'h');
    await frameMatching(none.instance, /store development keeps no history\./);
  });

  it('s runs the setup steps for what is missing, then shows the result', async () => {
    const { instance, target } = mount(fakeTarget({ declared: ['OPTIONAL_URL'], generated: ['JWT_SECRET'] }));
    await frameMatching(instance, /JWT_SECRET/);
    await press(instance, 's');
    await frameMatching(instance, /Step 2: Secrets you provide \(1 of 1\)/);
    expect(instance.lastFrame()).toContain('✓ JWT_SECRET generated (32 chars)');
    await press(instance, KEY.tab);
    await frameMatching(instance, /Setup done: saved JWT_SECRET\./);
    expect(target.calls).toContain('setup development');
  });

  it('v switches the environment with a select list; ? shows the keys', async () => {
    const { instance, target } = mount(fakeTarget({ environments: ['development', 'staging'] }));
    await frameMatching(instance, /No secrets yet/);
    await press(instance, 'v');
    await frameMatching(instance, /development \(current\)/);
    await press(instance, KEY.down);
    await frameMatching(instance, /› staging/);
    await press(instance, KEY.enter);
    await frameMatching(instance, /px · store staging · staging/);
    expect(target.calls).toContain('load staging');
    await press(instance, '?');
    const help = await frameMatching(instance, /Keys/);
    for (const key of ['/', 'n', 'e', 'g', 'd', 'i', 'h', 's', '?', 'q  Ctrl+C']) expect(help).toContain(`\n  ${key} `);
    await press(instance, ' ');
    await frameMatching(instance, /No secrets yet/);
  });

  it('a paste into the list is not taken as commands', async () => {
    const { instance, target } = mount(fakeTarget({ secrets: ['KEEP'] }));
    await frameMatching(instance, /KEEP/);
    await press(instance, 'dyq\r');
    await press(instance, 'j');
    expect(target.calls.filter((call) => !call.startsWith('load'))).toEqual([]);
    expect(instance.lastFrame()).toContain('KEEP');
  });

  it('10,000 rows: only a screenful is drawn; PgDn and PgUp move a list height, End and Home reach the ends', async () => {
    const names = Array.from({ length: 10_000 }, (_, i) => `SECRET_${String(i).padStart(5, '0')}`);
    const { instance } = mount(fakeTarget({ secrets: names }), { columns: 100, rows: 30 });
    await frameMatching(instance, /SECRET_00000/);
    expect(instance.lastFrame()!.split('\n').length).toBe(29);
    // 29 lines of 30: the status line, the pane's title and header, 22 rows, the credentials' title and line, the message and key lines.
    await press(instance, KEY.pageDown);
    await frameMatching(instance, /› SECRET_00022/);
    await press(instance, KEY.pageDown, KEY.pageUp, KEY.pageUp);
    await frameMatching(instance, /› SECRET_00000/);
    await press(instance, KEY.end);
    await frameMatching(instance, /› SECRET_09999/);
    await press(instance, KEY.home);
    await frameMatching(instance, /› SECRET_00000/);
    await press(instance, KEY.end);
    await frameMatching(instance, /› SECRET_09999/);
    await press(instance, '/', '0', '9', '9', '9');
    await frameMatching(instance, /filter 0999▏ · 11 of 10000/);
  });
});

describe('crash', () => {
  it("a failure while drawing rejects the manager's promise (reported in one line) instead of Ink's error screen", async () => {
    const { createUi } = await import('../../components/ui.js');
    const mounted: Instance[] = [];
    const ui = createUi((node) => {
      const on = render(node);
      mounted.push(on);
      return { rerender: on.rerender, unmount: on.unmount };
    });
    const target = fakeTarget();
    target.actions.load = async () => ({ secrets: { label: 'x', rows: null as never }, credentials: { label: 'y', rows: [] } });
    await expect(ui.manager({ actions: target.actions, environment: 'development' })).rejects.toThrow(TypeError);
    expect(mounted[0].lastFrame()).not.toMatch(/ERROR|at .*\.tsx/);
  });
});
