// What the manager takes from the manifest, with an in-memory target: the environment switcher,
// the format checked as a value is typed, and configuration that is not secret shown as typed.
import { render } from 'ink-testing-library';
import { afterEach, expect, it, vi } from 'vitest';
import { Manager } from '../../components/Manager.js';
import { SetupWizard } from '../../components/SetupWizard.js';
import { fakeSetup, fakeTarget } from '../helpers/manager-fakes.js';
import { allFrames, frameMatching, KEY, press, type Instance } from '../helpers/ink-driver.js';
import { canary } from '../helpers/project.js';

const NOW = () => new Date('2026-12-01T12:00:00.000Z');
let instance: Instance | undefined;
afterEach(() => instance?.unmount());

function mount(target = fakeTarget()) {
  instance = render(<Manager actions={target.actions} environment="development" onQuit={vi.fn()} now={NOW} />);
  return { instance, target };
}

it('v: Down and Enter sent back to back switch to the environment highlighted, not the one before', async () => {
  const { instance, target } = mount(fakeTarget({ environments: ['development', 'staging', 'production'] }));
  await frameMatching(instance, /No secrets yet/);
  await press(instance, 'v');
  await frameMatching(instance, /› development \(current\)\n +staging\n +production/);
  instance.stdin.write(KEY.down);
  instance.stdin.write(KEY.down);
  instance.stdin.write(KEY.enter);
  await frameMatching(instance, /px · store production · production/);
  expect(target.calls).toContain('load production');
  expect(target.calls).not.toContain('load staging');
});

it('v: Esc goes back without switching; the switcher lists only what it was given', async () => {
  const { instance, target } = mount(fakeTarget({ environments: ['development', 'qa'] }));
  await frameMatching(instance, /No secrets yet/);
  await press(instance, 'v');
  const list = await frameMatching(instance, /› development \(current\)/);
  expect(list).toMatch(/Environment\n› development \(current\)\n  qa\n↑ ↓ to choose/);
  await press(instance, KEY.escape);
  await frameMatching(instance, /No secrets yet/);
  expect(target.calls).toEqual(['load development']);
});

it('e: the format is checked as the value is typed (the rule, never the value), then on Enter', async () => {
  const { instance, target } = mount(fakeTarget({ secrets: ['SK_OPENROUTER'], declared: ['SK_OPENROUTER'] }));
  await frameMatching(instance, /› SK_OPENROUTER/);
  await press(instance, 'e');
  await frameMatching(instance, /Value for SK_OPENROUTER:/);
  await press(instance, canary(1));
  await frameMatching(instance, /✗ SK_OPENROUTER does not match its format \/\^sk-\/ \(px\.config\.json\)/);
  await press(instance, KEY.enter);
  await frameMatching(instance, /does not match its format \/\^sk-\/: type it again\./);
  await press(instance, `sk-${canary(2)}`);
  await frameMatching(instance, /✓ matches its format \/\^sk-\//);
  await press(instance, KEY.enter);
  await frameMatching(instance, /Updated SK_OPENROUTER/);
  expect(target.values.secrets.get('SK_OPENROUTER')).toBe(`sk-${canary(2)}`);
  for (const n of [1, 2]) expect(allFrames(instance)).not.toContain(canary(n));
});

it('a secret without a format gets no verdict; a non-secret (sensitive: false) is shown as typed', async () => {
  const { instance } = mount(fakeTarget({ secrets: ['API_KEY', 'LOG_LEVEL'] }));
  await frameMatching(instance, /› API_KEY/);
  await press(instance, 'e');
  await frameMatching(instance, /Value for API_KEY:/);
  await press(instance, canary(3));
  const hidden = await frameMatching(instance, /Value for API_KEY: \*+/);
  expect(hidden).not.toMatch(/✓|✗/);
  await press(instance, KEY.escape);
  await frameMatching(instance, /Cancelled; nothing changed\./);
  await press(instance, KEY.down);
  await frameMatching(instance, /› LOG_LEVEL/);
  await press(instance, 'e');
  await frameMatching(instance, /Value for LOG_LEVEL:/);
  await press(instance, 'debug');
  await frameMatching(instance, /Value for LOG_LEVEL: debug/);
  expect(allFrames(instance)).not.toContain(canary(3));
});

it('the wizard checks a prompt’s format as it is typed, and shows a non-secret as typed', async () => {
  const actions = fakeSetup({
    prompts: [
      { name: 'SK_OPENROUTER', label: 'OpenRouter API Key', required: true, format: '^sk-' },
      { name: 'LOG_LEVEL', label: 'Log level', required: false, sensitive: false },
    ],
  });
  instance = render(<SetupWizard actions={actions} columns={100} onDone={vi.fn()} />);
  await frameMatching(instance, /\(1 of 2\)/);
  await press(instance, canary(4));
  await frameMatching(instance, /✗ SK_OPENROUTER does not match its format \/\^sk-\//);
  await press(instance, KEY.backspace.repeat(canary(4).length), `sk-${canary(5)}`);
  await frameMatching(instance, /✓ matches its format \/\^sk-\//);
  await press(instance, KEY.enter);
  await frameMatching(instance, /\(2 of 2\)/);
  await press(instance, 'info');
  await frameMatching(instance, /Value: info/);
  for (const n of [4, 5]) expect(allFrames(instance)).not.toContain(canary(n));
});
