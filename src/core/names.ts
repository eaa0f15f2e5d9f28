import { UsageError } from './errors.js';

// Name and value rules shared by the CLI and the server.

export const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const MAX_NAME_LENGTH = 256;
export const MAX_VALUE_BYTES = 64 * 1024;

/**
 * Why `name` does not have the form of a name, or null when it does. Never mentions a value. Enough
 * to find, list or delete a secret (one stored before a rule of nameProblem existed).
 */
export function nameSyntaxProblem(name: string): string | null {
  if (name.length === 0) return 'the name is empty';
  if (name.length > MAX_NAME_LENGTH) return `the name is longer than ${MAX_NAME_LENGTH} characters`;
  if (!NAME_PATTERN.test(name)) {
    return 'names use letters, digits and _ and do not start with a digit';
  }
  return null;
}

/** Why a secret may not be stored under `name`, or null when it may. Never mentions a value. */
export function nameProblem(name: string): string | null {
  return nameSyntaxProblem(name) ?? childControlProblem(name);
}

// Names that change how a program runs rather than what it reads: put in a command's environment
// by `px run`/`px deploy`, a secret with one of them would pick the programs, libraries or code
// the command loads (a write token could make `px run -- npm start` run the writer's own npm).
// Matched without regard to case, as Windows does.
const CHILD_CONTROL_NAMES: ReadonlySet<string> = new Set([
  // the shell's, and what finds programs (Linux, macOS, Windows)
  'PATH', 'PATHEXT', 'COMSPEC', 'SHELL', 'ENV', 'BASH_ENV', 'IFS', 'CDPATH', 'SHELLOPTS', 'BASHOPTS', 'PS4',
  'PROMPT_COMMAND', 'GLOBIGNORE', 'ZDOTDIR', 'SYSTEMROOT', 'WINDIR', 'PSMODULEPATH', '__COMPAT_LAYER',
  // interpreters: Node.js, Python, Perl, Ruby, Java, PHP, Lua
  'NODE_OPTIONS', 'NODE_PATH', 'NODE_EXTRA_CA_CERTS', 'NODE_TLS_REJECT_UNAUTHORIZED', 'NODE_REPL_EXTERNAL_MODULE',
  'PYTHONPATH', 'PYTHONHOME', 'PYTHONSTARTUP', 'PYTHONINSPECT', 'PYTHONUSERBASE', 'PYTHONWARNINGS',
  'PERL5LIB', 'PERLLIB', 'PERL5OPT', 'RUBYLIB', 'RUBYOPT', 'GEM_HOME', 'GEM_PATH',
  'JAVA_TOOL_OPTIONS', '_JAVA_OPTIONS', 'JDK_JAVA_OPTIONS', 'CLASSPATH', 'PHPRC', 'PHP_INI_SCAN_DIR', 'LUA_PATH', 'LUA_CPATH', 'LUA_INIT',
  // tools that run a command named in their environment
  'GIT_SSH', 'GIT_SSH_COMMAND', 'GIT_EXEC_PATH', 'GIT_ASKPASS', 'SSH_ASKPASS',
]);
/** The dynamic loader's (LD_PRELOAD, LD_LIBRARY_PATH, LD_AUDIT…; DYLD_INSERT_LIBRARIES…), bash's
 *  exported functions, npm's settings (script-shell, node-options…) and git's injected settings. */
const CHILD_CONTROL_PREFIXES = ['LD_', 'DYLD_', 'BASH_FUNC_', 'NPM_CONFIG_', 'GIT_CONFIG_'];
// One test for all the prefixes (letters and _ only): a manifest's names are each checked on every command.
const CHILD_CONTROL_PREFIX = new RegExp(`^(?:${CHILD_CONTROL_PREFIXES.join('|')})`);

/** Why `name` would change how a command runs if px passed it (or could not be passed), or null. */
export function childControlReason(name: string): string | null {
  // An object key with a meaning of its own in JavaScript: it would never reach an environment.
  if (name === '__proto__') return 'in JavaScript __proto__ is no ordinary name, so px could never pass it to a command';
  const upper = name.toUpperCase();
  if (!CHILD_CONTROL_NAMES.has(upper) && !CHILD_CONTROL_PREFIX.test(upper)) return null;
  return 'it changes how the commands px run starts behave (which programs, libraries or code they load)';
}

/** Why a secret may not have `name` (see childControlReason), or null. Names only, never a value. */
export function childControlProblem(name: string): string | null {
  const reason = childControlReason(name);
  return reason && `${name} cannot be a secret name: ${reason}; give the secret another name`;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const SURROGATE = /[\uD800-\uDFFF]/;
/** Longest string whose UTF-8 form surely fits MAX_VALUE_BYTES: a UTF-16 unit is at most 3 bytes. */
const SURELY_FITS = Math.floor(MAX_VALUE_BYTES / 3);

/** Why `value` cannot be stored, or null when it can. The message never quotes the value. */
export function valueProblem(value: string): string | null {
  if (value.length === 0) return 'the value is empty';
  // An environment variable cannot hold one, so `px run` could never pass the secret on.
  if (value.includes('\0')) return 'the value holds a NUL character, which no environment variable can hold';
  // Counted only when it could matter (an import checks every value of the file, on the server too).
  if (value.length > SURELY_FITS && Buffer.byteLength(value, 'utf8') > MAX_VALUE_BYTES) return 'the value is larger than 64 KiB';
  // Bytes are decoded strictly where they come in (stdin, files); what is left to refuse here is a
  // lone surrogate (from a JSON body's \ud800 escapes), which has no UTF-8 form. U+FFFD is a
  // character like any other.
  // Most values hold no surrogate at all: one scan for any, the lookarounds only then.
  if (SURROGATE.test(value) && LONE_SURROGATE.test(value)) return 'the value is not valid UTF-8 text';
  return null;
}

/** Warnings (not refusals) about a value that is probably pasted wrong. Never quotes the value. */
export function valueWarnings(value: string): string[] {
  const warnings: string[] = [];
  // JavaScript's trim() counts U+FEFF as whitespace; it gets a warning of its own.
  const bom = value.startsWith('\uFEFF');
  if (bom) warnings.push('starts with a byte order mark (U+FEFF, which some Windows editors add): it is kept as part of the value');
  const rest = bom ? value.slice(1) : value;
  if (rest.trim().length === 0) warnings.push('is only whitespace (px run will not mask it)');
  else if (rest !== rest.trim()) warnings.push('has leading or trailing whitespace');
  const first = value[0];
  const last = value[value.length - 1];
  if (value.length >= 2 && first === last && (first === '"' || first === "'" || first === '`')) {
    warnings.push('is wrapped in quotes (the quotes are part of the value)');
  }
  return warnings;
}

// Well-known provider credentials that belong in the keychain (`px creds`), not in the runtime
// secrets endpoint. The project's own `.env.deploy.example` names are added to these.
export const WELL_KNOWN_DEPLOY_CREDENTIALS: ReadonlySet<string> = new Set([
  'CLOUDFLARE_API_TOKEN',
  'CLOUDFLARE_API_KEY',
  'CLOUDFLARE_ACCOUNT_ID',
  'CF_API_TOKEN',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'FLY_API_TOKEN',
  'FLY_ACCESS_TOKEN',
  'VERCEL_TOKEN',
  'NETLIFY_AUTH_TOKEN',
  'HEROKU_API_KEY',
  'RAILWAY_TOKEN',
  'RENDER_API_KEY',
  'DIGITALOCEAN_ACCESS_TOKEN',
  'GOOGLE_APPLICATION_CREDENTIALS',
  'AZURE_CLIENT_SECRET',
  'GITHUB_TOKEN',
  'GH_TOKEN',
  'NPM_TOKEN',
  'DOCKER_PASSWORD',
  'SUPABASE_ACCESS_TOKEN',
]);

// Well-known runtime secrets: what an app reads, never a deploy credential. `px creds` refuses
// these and the names in `.env.secrets.example` (unless they are deploy credentials too).
export const WELL_KNOWN_RUNTIME_SECRETS: ReadonlySet<string> = new Set([
  'ANTHROPIC_API_KEY',
  'OPENAI_API_KEY',
  'STRIPE_SECRET_KEY',
  'STRIPE_WEBHOOK_SECRET',
  'DATABASE_URL',
  'REDIS_URL',
  'SESSION_SECRET',
  'JWT_SECRET',
]);

/**
 * Throws a usage error (exit 2) when `name` is not a valid secret name. The name is not repeated:
 * what lands where a name goes is often the value (`px secret create "$OPENAI_API_KEY"`).
 */
export function assertValidName(name: string, use: 'store' | 'find' = 'store'): void {
  const problem = nameSyntaxProblem(name);
  if (problem) throw new UsageError(`The NAME given is not a valid name (not shown, in case it is a value): ${problem}.`);
  // A name of that fixed list is no value: it can be named.
  const control = use === 'store' ? childControlProblem(name) : null;
  if (control) throw new UsageError(`${control}.`);
}
