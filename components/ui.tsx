// The Ink layer as promises: commands ask a question or show a result and
// never touch Ink themselves. Loaded only on interactive runs.
import chalk from 'chalk';
import { render as inkRender } from 'ink';
import React from 'react';
import type { Readable, Writable } from 'node:stream';
import { Confirm } from './Confirm.js';
import { HiddenInput } from './HiddenInput.js';
import { ImportPreview, type ImportPreviewProps } from './ImportPreview.js';
import { ProgressBar } from './ProgressBar.js';
import { Table } from './Table.js';
import type { TableView } from './table-model.js';
import { enterFullScreen } from './full-screen.js';
import { Manager } from './Manager.js';
import type { ManagerActions, PaneData, PaneId } from './manager-model.js';
import { SetupWizard } from './SetupWizard.js';
import type { SetupActions, SetupOutcome } from './setup-model.js';
import { yogaReady } from './yoga-ready.js';

export interface Rendered {
  rerender(node: React.ReactElement): void;
  /** Resolves once the last frame is written, so whatever is printed next lands below it. */
  unmount(): void | Promise<void>;
}

/** Mounts a tree on stdout (results), stderr (prompts, progress) or the whole screen (`px ui`). */
export type Renderer = (node: React.ReactElement, on: 'stdout' | 'stderr' | 'full screen') => Rendered;

export class PromptCancelled extends Error {
  constructor() {
    super('Cancelled.');
    this.name = 'PromptCancelled';
  }
}

export interface Progress {
  advance(count: number): void;
  done(): void;
}

export interface Ui {
  hiddenInput(options: { label: string; target: string }): Promise<string>;
  confirm(options: { message: string; defaultYes?: boolean }): Promise<boolean>;
  /** A table (px secret list, px creds list) cut to the terminal's width. */
  table(view: TableView): void;
  importPreview(props: ImportPreviewProps): void;
  progress(options: { label: string; total: number }): Progress;
  /** The full-screen manager; resolves when the user quits. */
  manager(options: { actions: ManagerActions; environment: string; initial?: Record<PaneId, PaneData> }): Promise<void>;
  /** The first-run wizard; resolves with what it saved, also when stopped. */
  setup(actions: SetupActions): Promise<SetupOutcome>;
}

/** Turns an exception thrown while rendering into a rejection the command reports in one line. */
class Crash extends React.Component<{ onCrash: (error: unknown) => void; children: React.ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }
  override componentDidCatch(error: unknown): void {
    this.props.onCrash(error);
  }
  override render(): React.ReactNode {
    return this.state.failed ? null : this.props.children;
  }
}

export function createUi(render: Renderer): Ui {
  // Prompts resolve or reject exactly once, then unmount; Ctrl+C and Esc reject with
  // PromptCancelled so the command (not Ink) owns the exit code.
  function ask<T>(build: (resolve: (value: T) => void, cancel: () => void) => React.ReactElement, on: 'stderr' | 'full screen' = 'stderr'): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      let mounted: Rendered | undefined;
      // Unmount first (outside the input handler), then settle: a line printed while the
      // prompt is still mounted would be erased by Ink's final redraw.
      const finish = (action: () => void): void => {
        if (settled) return;
        settled = true;
        setImmediate(() => {
          void Promise.resolve(mounted?.unmount()).then(action, action);
        });
      };
      const crashed = (error: unknown): void => finish(() => reject(error));
      mounted = render(
        <Crash onCrash={crashed}>
          {build(
            (value) => finish(() => resolve(value)),
            () => finish(() => reject(new PromptCancelled())),
          )}
        </Crash>,
        on,
      );
    });
  }
  const once = (node: React.ReactElement): void => {
    // Ink writes the final frame synchronously in unmount; nothing needs to wait for the promise.
    void render(node, 'stdout').unmount();
  };

  return {
    hiddenInput: ({ label, target }) =>
      ask<string>((resolve, cancel) => <HiddenInput label={label} target={target} onSubmit={resolve} onCancel={cancel} />),
    confirm: ({ message, defaultYes }) =>
      ask<boolean>((resolve, cancel) => <Confirm message={message} defaultYes={defaultYes} onAnswer={resolve} onCancel={cancel} />),
    table: (view) => once(<Table view={view} />),
    importPreview: (props) => once(<ImportPreview {...props} />),
    manager: ({ actions, environment, initial }) => ask<void>((quit) => <Manager actions={actions} environment={environment} initial={initial} onQuit={() => quit()} />, 'full screen'),
    setup: (actions) => ask<SetupOutcome>((done) => <SetupWizard actions={actions} columns={(process.stderr.columns as number | undefined) ?? 80} onDone={done} />),
    progress({ label, total }) {
      let done = 0;
      const mounted = render(<ProgressBar label={label} done={0} total={total} />, 'stderr');
      return {
        advance(count) {
          done = Math.min(total, done + count);
          mounted.rerender(<ProgressBar label={label} done={done} total={total} />);
        },
        done: () => void mounted.unmount(),
      };
    },
  };
}

export async function createInkUi(streams: { stdin: Readable; stdout: Writable; stderr: Writable }, options: { color: boolean }): Promise<Ui> {
  await yogaReady;
  // Ink colours through chalk, which decides by itself (it knows --no-color but not NO_COLOR):
  // px's decision wins, so NO_COLOR means no escape codes on a terminal too.
  if (!options.color) chalk.level = 0;
  // A pseudo-terminal without a size (`script`, some CI runners) reports 0 columns, and Ink would
  // then lay out one character per line.
  for (const stream of [streams.stdout, streams.stderr] as Array<Writable & { columns?: number }>) {
    if (!stream.columns) stream.columns = 80;
  }
  return createUi((node, on) => {
    const fullScreen = on === 'full screen';
    let instance: ReturnType<typeof inkRender> | undefined;
    const screen = fullScreen ? enterFullScreen(streams as Parameters<typeof enterFullScreen>[0], () => instance?.unmount()) : undefined;
    instance = inkRender(node, {
      stdin: streams.stdin as NodeJS.ReadStream,
      stdout: (on === 'stderr' ? streams.stderr : streams.stdout) as NodeJS.WriteStream,
      stderr: streams.stderr as NodeJS.WriteStream,
      exitOnCtrlC: false,
      patchConsole: false,
      // A keystroke in a 10,000-row list redraws at once rather than at the next 30 fps tick.
      ...(fullScreen ? { maxFps: 60 } : {}),
    });
    const mounted = instance;
    return {
      rerender: mounted.rerender,
      unmount: () => {
        mounted.unmount();
        return mounted.waitUntilExit().then(
          () => screen?.release(),
          () => screen?.release(),
        );
      },
    };
  });
}
