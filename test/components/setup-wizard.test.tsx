// The first-run wizard, step by step, with an in-memory target: what it shows, what it saved,
// and that no value reaches a frame.
import { render } from 'ink-testing-library';
import { afterEach, expect, it, vi } from 'vitest';
import { SetupWizard } from '../../components/SetupWizard.js';
import type { SetupOutcome } from '../../components/setup-model.js';
import { fakeSetup } from '../helpers/manager-fakes.js';
import { allFrames, frameMatching, KEY, press, type Instance } from '../helpers/ink-driver.js';
import { canary } from '../helpers/project.js';

let instance: Instance | undefined;
afterEach(() => instance?.unmount());

function mount(actions: ReturnType<typeof fakeSetup>) {
  const onDone = vi.fn<(outcome: SetupOutcome) => void>();
  instance = render(<SetupWizard actions={actions} columns={80} onDone={onDone} />);
  return { instance, onDone };
}

const PROMPTS = [
  { name: 'SK_OPENROUTER', label: 'OpenRouter API Key', description: 'Enables AI features. Get one at openrouter.ai', required: true },
  { name: 'SMTP_PASSWORD', label: 'SMTP password', required: false },
  { name: 'LOG_LEVEL', label: 'LOG_LEVEL', required: false },
];

it('generates, asks (re-asking on a bad format), skips an optional one with Tab, and summarises', async () => {
  const actions = fakeSetup({ toGenerate: ['JWT_SECRET', 'SESSION_KEY'], prompts: PROMPTS });
  const { instance, onDone } = mount(actions);
  let frame = await frameMatching(instance, /Step 2: Secrets you provide \(1 of 3\)/);
  expect(frame).toContain('✓ JWT_SECRET generated (32 chars)');
  expect(frame).toContain('✓ SESSION_KEY generated (32 chars)');
  expect(frame).toMatch(/┌ OpenRouter API Key ─+┐/);
  expect(frame).toContain('│ Enables AI features. Get one at openrouter.ai');
  expect(frame).toContain('Enter to save · required · Esc to stop');
  // Tab on a required one: refused, not skipped.
  await press(instance, KEY.tab);
  await frameMatching(instance, /SK_OPENROUTER is required: it cannot be skipped/);
  await press(instance, canary(1), KEY.enter);
  frame = await frameMatching(instance, /does not match its format \/\^sk-\//);
  expect(frame).toContain('(1 of 3)');
  await press(instance, `sk-${canary(2)}`);
  await frameMatching(instance, /Value: \*{20,}/);
  await press(instance, KEY.enter);
  frame = await frameMatching(instance, /\(2 of 3\)/);
  expect(frame).toContain('Enter to save · Tab to skip (optional) · Esc to stop');
  await press(instance, KEY.tab);
  await frameMatching(instance, /\(3 of 3\)/);
  await press(instance, canary(3), KEY.enter);
  frame = await frameMatching(instance, /Step 3: Validation/);
  expect(frame).toContain('✓ All required secrets provided   ✓ Formats valid');
  expect(onDone).toHaveBeenCalledWith({ kind: 'done', saved: ['JWT_SECRET', 'SESSION_KEY', 'SK_OPENROUTER', 'LOG_LEVEL'], skipped: ['SMTP_PASSWORD'], summary: { missing: [], invalid: [] } });
  expect(actions.store.get('SK_OPENROUTER')).toBe(`sk-${canary(2)}`);
  expect(actions.store.has('SMTP_PASSWORD')).toBe(false);
  for (const n of [1, 2, 3]) expect(allFrames(instance)).not.toContain(canary(n));
});

it('Esc stops and reports what was saved before', async () => {
  const actions = fakeSetup({ toGenerate: ['JWT_SECRET'], prompts: PROMPTS });
  const { instance, onDone } = mount(actions);
  await frameMatching(instance, /\(1 of 3\)/);
  await press(instance, 'half-typed', KEY.escape);
  await vi.waitFor(() => expect(onDone).toHaveBeenCalledWith({ kind: 'stopped', saved: ['JWT_SECRET'] }));
  expect(actions.calls).toEqual(['generate JWT_SECRET']);
});

it('Esc before anything was saved: nothing saved', async () => {
  const { instance, onDone } = mount(fakeSetup({ prompts: PROMPTS }));
  const frame = await frameMatching(instance, /\(1 of 3\)/);
  expect(frame).toContain('Nothing to generate.');
  await press(instance, KEY.escape);
  await vi.waitFor(() => expect(onDone).toHaveBeenCalledWith({ kind: 'stopped', saved: [] }));
});

it('Ctrl+C stops like Esc', async () => {
  const { instance, onDone } = mount(fakeSetup({ prompts: PROMPTS }));
  await frameMatching(instance, /\(1 of 3\)/);
  await press(instance, KEY.ctrlC);
  await vi.waitFor(() => expect(onDone).toHaveBeenCalledWith({ kind: 'stopped', saved: [] }));
});

it('nothing missing: says so in each step', async () => {
  const { instance, onDone } = mount(fakeSetup());
  const frame = await frameMatching(instance, /Step 3: Validation/);
  expect(frame).toContain('Nothing to generate.');
  expect(frame).toContain('Nothing to ask.');
  expect(onDone).toHaveBeenCalledWith(expect.objectContaining({ kind: 'done', saved: [] }));
});

it('a failed save ends the wizard with the error and what was saved before', async () => {
  const error = new Error('http://127.0.0.1:9 failed (500): try again later.');
  const actions = fakeSetup({ toGenerate: ['JWT_SECRET'], prompts: PROMPTS.slice(1), failSave: error });
  const { instance, onDone } = mount(actions);
  await frameMatching(instance, /\(1 of 2\)/);
  await press(instance, canary(4), KEY.enter);
  const frame = await frameMatching(instance, /failed \(500\)/);
  expect(frame).not.toContain(canary(4));
  expect(onDone).toHaveBeenCalledWith({ kind: 'failed', saved: ['JWT_SECRET'], message: error.message, error });
});

it('a required secret left missing shows in step 3', async () => {
  const actions = fakeSetup({ prompts: [PROMPTS[1]] });
  actions.summarize = async () => ({ missing: ['DATABASE_URL'], invalid: ['SK_OLD'] });
  const { instance } = mount(actions);
  await frameMatching(instance, /\(1 of 1\)/);
  await press(instance, KEY.tab);
  const frame = await frameMatching(instance, /Step 3/);
  expect(frame).toContain('✗ Missing: DATABASE_URL');
  expect(frame).toContain('✗ Not matching their format: SK_OLD');
});
