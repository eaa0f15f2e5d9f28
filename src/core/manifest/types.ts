// What a project declares it needs (px.config.json, or its example files): the types every reader
// of the manifest shares. Parsing is in parse.ts, strategies and statuses in plan.ts, the one
// entry point for commands in manifest.ts.

export const SECRET_CLASSES = ['infrastructure', 'per_install_generated', 'user_prompt', 'remote_fetch'] as const;
export type SecretClass = (typeof SECRET_CLASSES)[number];

export const STRATEGIES = ['strip', 'generate', 'prompt', 'delegate'] as const;
/** What a tier does with a secret: leave it out, generate it, ask a person, or let the app fetch it. */
export type Strategy = (typeof STRATEGIES)[number];

export const CHARSETS = ['alnum', 'hex', 'base64', 'base64url'] as const;
export type Charset = (typeof CHARSETS)[number];

export type Generator = { type: 'random'; length: number; charset: Charset } | { type: 'uuid' };

/** Fields an environment may override. */
export interface EnvOverride {
  required?: boolean;
  format?: string;
  generator?: Generator;
  sensitive?: boolean;
}

/** One entry of `secrets`, with defaults applied (required and sensitive default to true). */
export interface SecretSpec {
  name: string;
  class: SecretClass;
  description?: string;
  required: boolean;
  format?: string;
  generator?: Generator;
  prompt?: { label?: string; description?: string };
  sensitive: boolean;
  rotateAfterDays?: number;
  /** Per-tier strategy overrides. */
  tiers: Record<string, Strategy>;
  /** Per-environment overrides. */
  envs: Record<string, EnvOverride>;
}

/** One entry of `credentials`: a deploy credential, kept in the OS keychain. */
export interface CredentialSpec {
  description?: string;
  /** Older than this (since px last set it), it is `stale` in `px creds list` and the UI. */
  rotateAfterDays?: number;
}

/** A secret as one environment sees it: overrides applied. */
export type ResolvedSecret = Omit<SecretSpec, 'envs'>;

export interface Manifest {
  /** Where the declarations came from; `none` when the project declares nothing. */
  source: 'px.config.json' | 'example files' | 'none';
  /** `secrets` in file order. */
  secrets: Map<string, SecretSpec>;
  /** Deploy credentials the project declares (`credentials`, or `.env.deploy.example`). */
  credentials: Map<string, CredentialSpec>;
  /** Declared tiers; undefined when the manifest does not restrict them. */
  tiers?: string[];
  /** Declared environments (their own `url`, if any). */
  envs: Record<string, { url?: string }>;
  /** True when px.config.json has `envs`: other names (but development and `default`) are then refused. */
  envsDeclared: boolean;
  /** The environment used when neither --env nor PX_ENV is given. */
  defaultEnv?: string;
}
