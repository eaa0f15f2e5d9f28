// A real terminal for end-to-end tests: tmux on a private socket, send-keys to type,
// capture-pane to read the screen.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { childEnv } from '../helpers/child-env.js';

export class TmuxTerminal {
  private readonly socket = `px-test-${process.pid}-${randomBytes(4).toString('hex')}`;
  private readonly session = 'px';

  /** Starts `command` (a shell string) in a fresh 120x30 terminal, with `env` set for it. */
  constructor(command: string, options: { cwd: string; env: NodeJS.ProcessEnv }) {
    const exports = Object.entries(options.env)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `export ${key}=${shellQuote(String(value))};`)
      .join(' ');
    // Keep the pane after the command exits so its last screen and exit code can be read.
    this.tmux(['new-session', '-d', '-s', this.session, '-x', '120', '-y', '30', '-c', options.cwd, `${exports} ${command}; echo "[exit $?]"; sleep 600`]);
  }

  private tmux(args: string[]): string {
    // The tmux server hands its environment to the session: only what it needs, so that nothing
    // of the developer's (XDG_CACHE_HOME, NO_COLOR, PX_*) reaches px; the session sets the rest.
    return execFileSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8', env: childEnv({ TERM: 'xterm-256color' }) });
  }

  screen(): string {
    return this.tmux(['capture-pane', '-p', '-t', this.session]);
  }

  /** The screen with its colours and attributes as escape sequences. */
  styledScreen(): string {
    return this.tmux(['capture-pane', '-e', '-p', '-t', this.session]);
  }

  /** The whole pane: its history (scrollback) and what is on screen now. */
  history(): string {
    return this.tmux(['capture-pane', '-p', '-S', '-', '-E', '-', '-t', this.session]);
  }

  /** Whether the program left the terminal on the alternate screen. */
  alternateScreenOn(): boolean {
    return this.tmux(['display-message', '-p', '-t', this.session, '#{alternate_on}']).trim() === '1';
  }

  /** Whether the cursor is visible. */
  cursorVisible(): boolean {
    return this.tmux(['display-message', '-p', '-t', this.session, '#{cursor_flag}']).trim() === '1';
  }

  /** The process the pane's shell is running now (the command under test), by its parent's pid. */
  childPid(): number {
    const shell = this.tmux(['display-message', '-p', '-t', this.session, '#{pane_pid}']).trim();
    const children = execFileSync('ps', ['-o', 'pid=', '--ppid', shell], { encoding: 'utf8', env: childEnv() }).trim().split(/\s+/);
    return Number(children[0]);
  }

  resize(columns: number, rows: number): void {
    this.tmux(['resize-window', '-t', this.session, '-x', String(columns), '-y', String(rows)]);
  }

  /** The screen with its colour and style escape sequences. */
  screenWithEscapes(): string {
    return this.tmux(['capture-pane', '-p', '-e', '-t', this.session]);
  }

  /** Types literal text (no key names interpreted). */
  type(text: string): void {
    this.tmux(['send-keys', '-t', this.session, '-l', '--', text]);
  }

  /**
   * Pastes text as a terminal does: newlines arrive as CR, and the text is wrapped in
   * bracketed-paste markers when the program asked for them (`bracketed: false` never does).
   */
  paste(text: string, options: { bracketed?: boolean } = {}): void {
    this.tmux(['set-buffer', '-b', 'px-paste', '--', text]);
    this.tmux(['paste-buffer', '-d', ...(options.bracketed === false ? [] : ['-p']), '-b', 'px-paste', '-t', this.session]);
  }

  /** Bytes exactly as given, as if the terminal sent them (escape sequences included). */
  raw(bytes: string): void {
    const hex = [...Buffer.from(bytes, 'utf8')].map((byte) => byte.toString(16).padStart(2, '0'));
    this.tmux(['send-keys', '-t', this.session, '-H', ...hex]);
  }

  /** Several literal texts and keys in one tmux call: they reach the program back to back. */
  burst(parts: Array<{ text: string } | { key: 'Enter' | 'C-u' | 'Escape' }>): void {
    const args: string[] = [];
    for (const part of parts) {
      if (args.length > 0) args.push(';');
      args.push('send-keys', '-t', this.session, ...('text' in part ? ['-l', '--', part.text] : [part.key]));
    }
    this.tmux(args);
  }

  press(key: 'Enter' | 'Escape' | 'C-c' | 'C-u' | 'Tab' | 'Down' | 'Up' | 'BSpace'): void {
    this.tmux(['send-keys', '-t', this.session, key]);
  }

  /** Waits until the screen matches; polls capture-pane. */
  async waitFor(pattern: RegExp, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen();
      if (pattern.test(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`screen never matched ${pattern}:\n${screen}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  close(): void {
    try {
      this.tmux(['kill-server']);
    } catch {
      // already gone
    }
  }
}

export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
