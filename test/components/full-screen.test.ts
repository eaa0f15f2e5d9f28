// The terminal comes back from a full-screen app on every way out: quit, SIGTERM, SIGHUP, a crash
// and a plain process exit, each exactly once.
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { enterFullScreen, ENTER_FULL_SCREEN, LEAVE_FULL_SCREEN, type ProcessHooks } from '../../components/full-screen.js';

type Event = Parameters<ProcessHooks['on']>[0];

function harness() {
  let written = '';
  const stdout = new Writable({ write: (chunk, _enc, done) => {
    written += chunk.toString();
    done();
  } });
  const raw: boolean[] = [];
  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: (mode: boolean) => raw.push(mode) });
  const listeners = new Map<Event, Set<(arg?: unknown) => void>>();
  const exits: number[] = [];
  const crashes: unknown[] = [];
  const hooks: ProcessHooks = {
    on: (event, listener) => void (listeners.get(event) ?? listeners.set(event, new Set()).get(event)!).add(listener),
    off: (event, listener) => void listeners.get(event)?.delete(listener),
    exit: (code) => void exits.push(code),
    reportCrash: (error) => void crashes.push(error),
  };
  const stops: number[] = [];
  const screen = enterFullScreen({ stdin, stdout }, () => stops.push(1), hooks);
  const emit = (event: Event, arg?: unknown): void => [...(listeners.get(event) ?? [])].forEach((listener) => listener(arg));
  const count = (): number => [...listeners.values()].reduce((n, set) => n + set.size, 0);
  return { screen, emit, count, raw, exits, crashes, stops, written: () => written };
}

describe('enterFullScreen', () => {
  it('enters the alternate screen and hides the cursor; release gives both back once and stops listening', () => {
    const h = harness();
    expect(h.written()).toBe(ENTER_FULL_SCREEN);
    expect(h.count()).toBe(4);
    h.screen.release();
    h.screen.release();
    expect(h.written()).toBe(ENTER_FULL_SCREEN + LEAVE_FULL_SCREEN);
    expect(h.raw).toEqual([false]);
    expect(h.count()).toBe(0);
  });

  it.each([
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('%s: unmounts the app, gives the terminal back, exits %i', (signal, code) => {
    const h = harness();
    h.emit(signal);
    expect(h.stops).toEqual([1]);
    expect(h.written().endsWith(LEAVE_FULL_SCREEN)).toBe(true);
    expect(h.raw).toEqual([false]);
    expect(h.exits).toEqual([code]);
  });

  it('an uncaught exception: terminal back first, then one report, exit 1', () => {
    const h = harness();
    const error = new Error('boom');
    h.emit('uncaughtException', error);
    expect(h.written().endsWith(LEAVE_FULL_SCREEN)).toBe(true);
    expect(h.crashes).toEqual([error]);
    expect(h.exits).toEqual([1]);
  });

  it('a process exit from anywhere else still gives the terminal back', () => {
    const h = harness();
    h.emit('exit');
    expect(h.written()).toBe(ENTER_FULL_SCREEN + LEAVE_FULL_SCREEN);
    expect(h.raw).toEqual([false]);
  });
});
