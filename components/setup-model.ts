// What the first-run wizard (`px setup`, and `s` in `px ui`) needs, as plain data and promises:
// the command computes them from the manifest and the store; the wizard only renders and asks.

export interface SetupPrompt {
  name: string;
  /** The manifest's prompt label, else the name. */
  label: string;
  description?: string;
  required: boolean;
  /** False for configuration that is not secret: the prompt shows what is typed. */
  sensitive?: boolean;
  /** The manifest's format, shown as the rule the value must follow. */
  format?: string;
}

export interface SetupSummary {
  /** Required secrets still not stored. */
  missing: string[];
  /** Stored secrets whose value fails their format (named with the rule, never the value). */
  invalid: string[];
}

export interface SetupActions {
  /** Where values go, in one short line. */
  target: string;
  /** Step 1: missing secrets the manifest can generate, in order. */
  toGenerate: string[];
  /** Generates and stores one; resolves with the length of the value. */
  generate(name: string): Promise<{ length: number }>;
  /** Step 2: missing secrets a person provides, in order. */
  prompts: SetupPrompt[];
  /** Why this value is refused (its format's rule, empty, too large…), or null. Never quotes it. */
  checkValue(name: string, value: string): string | null;
  /** The manifest's format check alone, run as the value is typed: its sentence, or null when it passes. */
  checkFormat?(name: string, value: string): string | null;
  save(name: string, value: string): Promise<void>;
  /** Step 3. */
  summarize(): Promise<SetupSummary>;
}

export type SetupOutcome =
  | { kind: 'done'; saved: string[]; skipped: string[]; summary: SetupSummary }
  | { kind: 'stopped'; saved: string[] }
  | { kind: 'failed'; saved: string[]; message: string; error: unknown };
