// Every px command, declared once. The yargs parser and help (src/cli/parser.ts), the fast path
// (src/cli/fast-path.ts), the parse-error wording (src/cli/parse-errors.ts) and shell completion
// (src/cli/completion.ts) are all derived from this list (types: src/cli/command-spec.ts), so they cannot disagree.
//
// Adding a command is one entry in COMMANDS:
//
//   {
//     path: 'secret get',                 // the command words; a group ('secret') is an entry too
//     describe: 'Print one secret value', // one line for --help
//     positionals: [{ name: 'name', label: 'NAME', required: true, complete: 'secret' }],
//     flags: {                            // own flags; globals and the group's flags are added
//       json: { type: 'boolean', describe: 'Print JSON' },
//       env: { type: 'string', repeat: true, describe: 'Environment (repeatable)' },
//     },
//     examples: [['$0 secret get API_KEY', 'Print it']],
//     handler: lazy(() => import('./commands/secret/get.js'), 'getSecret'),
//   }
//
// The handler is `(io: Io, args, registry) => Promise<number>` exported by the command's own module; it is
// imported only when that command runs (`lazy`), so this file costs start-up nothing but its data.
// `args` holds each positional by name, each flag by its name and in camelCase (`dry-run` and
// `dryRun`), globals included; a command with `passThrough` gets `command: string[]`.
//
// Flag traits:
//   type      'boolean' (`--x`, `--no-x`), 'string' or 'number' (these take a value: `--x VALUE`)
//   repeat    may be given more than once (the handler gets an array); without it twice is refused
//   secret    may hold a secret value: never echoed in errors; `--x -abc` is refused (write --x=-abc)
//   alias     a one-letter short form (`-y`); default, hidden: as in yargs
// Positional traits: label (NAME, as errors and help say it), required, variadic (the rest),
//   complete ('secret' or 'credential': completion offers stored names, never values).
// Command traits:
//   fast        parsed without yargs when the command line has an exact, simple shape (only for
//               what scripts run in loops; a fast command's module ships in the launcher's bundle)
//   readsValue  a secret value is typed to it: words it did not expect are never repeated
//   passThrough runs another program: every word after `--` is handed over verbatim
//   hidden      left out of help and did-you-mean
//   suggestFor  words people type meaning this command (`rm` for delete): errors point them to it
import { DEFAULT_MAX_CONNECTIONS, DEFAULT_TIMEOUT_SECONDS } from './core/limits.js';
import { lazy, type FlagSpec, type Registry } from './cli/command-spec.js';

/** Flags every command takes. */
const GLOBAL_FLAGS: Readonly<Record<string, FlagSpec>> = {
  project: { type: 'string', describe: 'Project directory (default: nearest with px.config.json, else the current one)' },
  timeout: { type: 'number', describe: `Endpoint request timeout in seconds (default ${DEFAULT_TIMEOUT_SECONDS})` },
  env: { type: 'string', describe: 'Environment (else PX_ENV, else "default" in px.config.json, else development)' },
  color: { type: 'boolean', default: true, describe: 'Color output (--no-color, or NO_COLOR=1, turns it off)' },
  insecure: { type: 'boolean', describe: 'Allow plain http:// off loopback (the token and values cross the network readable)' },
};

const YES: FlagSpec = { type: 'boolean', alias: 'y', describe: 'Do not ask for confirmation' };
const VALUE: FlagSpec = { type: 'string', secret: true, describe: 'The value (lands in shell history: prefer stdin or the prompt)' };
const ENDPOINT_URL: FlagSpec = { type: 'string', describe: 'Secrets endpoint URL (else PX_URL, px.config.json)' };

const COMMANDS: Registry['commands'] = [
  {
    path: 'secret',
    describe: 'Runtime secrets on the project endpoint or local store',
    flags: { url: { type: 'string', describe: 'Secrets endpoint URL (else PX_URL, px.config.json, the local store)' } },
  },
  {
    path: 'secret create',
    suggestFor: ['set', 'add', 'put', 'new'],
    describe: 'Create or replace a secret; the value is read from stdin or a hidden prompt',
    positionals: [{ name: 'name', label: 'NAME', required: true, describe: 'Secret name, e.g. OPENAI_API_KEY', complete: 'secret' }],
    flags: { value: VALUE, force: { type: 'boolean', describe: 'Replace an existing secret without asking' } },
    examples: [
      ['$0 secret create OPENAI_API_KEY', 'Type the value at a hidden prompt'],
      ['printf %s "$KEY" | $0 secret create OPENAI_API_KEY --force', 'Read it from a pipe'],
    ],
    fast: true,
    readsValue: true,
    handler: lazy(() => import('./commands/secret/create.js'), 'createSecret'),
  },
  {
    path: 'secret list',
    suggestFor: ['ls'],
    describe: 'List secret names with their times and status against the manifest (never values)',
    flags: { json: { type: 'boolean', describe: 'Print {"target","env","secrets":[{name,createdAt,updatedAt,status}],"missing":[…],"count":N}' } },
    examples: [['$0 secret list', 'See which secrets the project has and which are missing']],
    fast: true,
    handler: lazy(() => import('./commands/secret/list.js'), 'listSecrets'),
  },
  {
    path: 'secret get',
    suggestFor: ['show', 'print', 'cat'],
    describe: 'Print a value to stdout (to a pipe; on a terminal only with --reveal)',
    positionals: [{ name: 'name', label: 'NAME', required: true, complete: 'secret' }],
    flags: { reveal: { type: 'boolean', describe: 'Print it even when stdout is a terminal' } },
    examples: [['$0 secret get STRIPE_SECRET_KEY | pbcopy', 'Copy a value without showing it']],
    fast: true,
    handler: lazy(() => import('./commands/secret/get.js'), 'getSecret'),
  },
  {
    path: 'secret generate',
    describe: 'Create a secret from its manifest generator (or --length/--charset); never prints the value',
    positionals: [{ name: 'name', label: 'NAME', required: true, describe: 'Secret name, e.g. JWT_SECRET', complete: 'secret' }],
    flags: {
      length: { type: 'number', describe: 'Characters (8–4096)' },
      charset: { type: 'string', describe: 'One of alnum, hex, base64, base64url' },
      force: { type: 'boolean', describe: 'Replace an existing secret without asking' },
    },
    examples: [
      ['$0 secret generate JWT_SECRET', 'From its generator in px.config.json'],
      ['$0 secret generate SESSION_KEY --length 64 --charset base64url', 'From the flags'],
    ],
    handler: lazy(() => import('./commands/secret/generate.js'), 'generateSecret'),
  },
  {
    path: 'secret validate',
    describe: 'Check that every required secret is present, matches its format and is not stale (exit 1 if not)',
    flags: {
      tier: { type: 'string', describe: 'Check what this tier needs (stripped and delegated secrets are not)' },
      json: { type: 'boolean', describe: 'Print {"ok","problems":[{name,problem,message}],…}' },
    },
    examples: [['$0 secret validate && npm start', 'Start only when the secrets are in order']],
    fast: true,
    handler: lazy(() => import('./commands/secret/validate.js'), 'validateSecrets'),
  },
  {
    path: 'secret plan',
    describe: "Show each manifest secret's class, the tier's strategy (strip/generate/prompt/delegate) and whether it is present",
    flags: {
      tier: { type: 'string', describe: 'The tier to plan for, e.g. desktop' },
      json: { type: 'boolean', describe: 'Print {"tier","secrets":[{name,class,strategy,required,present}],…}' },
    },
    examples: [['$0 secret plan --tier desktop', 'What a desktop build strips, generates, asks for and delegates']],
    fast: true,
    handler: lazy(() => import('./commands/secret/plan.js'), 'planSecrets'),
  },
  {
    path: 'secret template',
    describe: 'Print a .env.secrets.example (or, --format json, the manifest entries a tier needs) from the manifest',
    flags: {
      format: { type: 'string', describe: 'env (default) or json' },
      tier: { type: 'string', describe: 'Only what this tier needs' },
      credentials: { type: 'boolean', describe: 'Print the .env.deploy.example of the deploy credentials instead' },
    },
    examples: [
      ['$0 secret template > .env.secrets.example', 'Keep the example file in step with px.config.json'],
      ['$0 secret template --format json > px.config.json', 'Start a manifest from the example files'],
    ],
    handler: lazy(() => import('./commands/secret/template.js'), 'printTemplate'),
  },
  {
    path: 'secret delete',
    suggestFor: ['rm', 'remove', 'del'],
    describe: 'Delete a secret (asks first; --yes to skip)',
    positionals: [{ name: 'name', label: 'NAME', required: true, complete: 'secret' }],
    flags: { yes: YES },
    handler: lazy(() => import('./commands/secret/delete.js'), 'deleteSecret'),
  },
  {
    path: 'secret exists',
    describe: 'Say whether a secret exists (exit 0 yes, 1 no)',
    positionals: [{ name: 'name', label: 'NAME', required: true, complete: 'secret' }],
    fast: true,
    handler: lazy(() => import('./commands/secret/exists.js'), 'secretExists'),
  },
  {
    path: 'secret import',
    describe: 'Import a dotenv file of runtime secrets in one request (default .env.secrets)',
    positionals: [{ name: 'file', label: 'FILE', describe: 'dotenv file, or - for stdin (default: .env.secrets at the project root)' }],
    flags: {
      yes: YES,
      'dry-run': { type: 'boolean', describe: 'Show what would change and send nothing' },
      json: { type: 'boolean', describe: 'Print the preview and result as JSON' },
    },
    examples: [
      ['$0 secret import --dry-run', 'Preview importing .env.secrets'],
      ['$0 secret import .env.production.secrets --yes', 'Import without asking'],
    ],
    handler: lazy(() => import('./commands/secret/import.js'), 'importSecrets'),
  },
  {
    path: 'secret history',
    describe: "A secret's versions (number, time, who; never a value) and the commands it was handed to",
    positionals: [{ name: 'name', label: 'NAME', required: true, complete: 'secret' }],
    flags: { json: { type: 'boolean', describe: 'Print {"target","name","versions":[…],"handouts":[…]}' } },
    examples: [['$0 secret history STRIPE_SECRET_KEY', 'Who changed it, and which commands got it']],
    handler: lazy(() => import('./commands/secret/history.js'), 'secretHistory'),
  },
  {
    path: 'secret rollback',
    describe: 'Make an earlier version of a secret current again (asks first; --yes to skip)',
    positionals: [{ name: 'name', label: 'NAME', required: true, complete: 'secret' }],
    flags: { to: { type: 'string', describe: 'The version to restore (default: the one before the current)' }, yes: YES },
    examples: [['$0 secret rollback STRIPE_SECRET_KEY --to 3', 'Undo a mistaken --force']],
    handler: lazy(() => import('./commands/secret/rollback.js'), 'rollbackSecret'),
  },
  {
    path: 'secret rotate',
    describe: 'Give a secret a new value: generated from its generator, else typed (hidden) or piped; the old one stays in history',
    positionals: [{ name: 'name', label: 'NAME', required: true, complete: 'secret' }],
    flags: { yes: YES },
    examples: [
      ['$0 secret rotate JWT_SECRET', 'A new generated value, after a confirmation'],
      ['printf %s "$NEW_KEY" | $0 secret rotate STRIPE_SECRET_KEY --yes', 'A value a person provides, from a pipe'],
    ],
    readsValue: true,
    handler: lazy(() => import('./commands/secret/rotate.js'), 'rotateSecret'),
  },
  { path: 'creds', describe: 'Deploy credentials in the OS keychain, scoped to this project' },
  {
    path: 'creds set',
    suggestFor: ['add', 'put', 'create'],
    describe: 'Store a deploy credential in the OS keychain for this project (value from stdin or a hidden prompt)',
    positionals: [{ name: 'name', label: 'NAME', required: true, describe: 'Credential name, e.g. CLOUDFLARE_API_TOKEN', complete: 'credential' }],
    flags: { value: VALUE, force: { type: 'boolean', describe: 'Replace an existing credential without asking' } },
    examples: [
      ['$0 creds set CLOUDFLARE_API_TOKEN', 'Type the value at a hidden prompt'],
      ['printf %s "$TOKEN" | $0 creds set FLY_API_TOKEN --force', 'Read it from a pipe'],
    ],
    readsValue: true,
    handler: lazy(() => import('./commands/creds/set.js'), 'setCredential'),
  },
  {
    path: 'creds list',
    suggestFor: ['ls'],
    describe: "List this project's deploy credential names (never values)",
    flags: { json: { type: 'boolean', describe: 'Print {"credentials":[{name,setAt?,stale?}],"count":N,"missing":[names from .env.deploy.example]}' } },
    examples: [['$0 creds list', 'Which credentials are stored, and which .env.deploy.example names are missing']],
    handler: lazy(() => import('./commands/creds/list.js'), 'listCredentials'),
  },
  {
    path: 'creds delete',
    suggestFor: ['rm', 'remove', 'del'],
    describe: 'Delete a deploy credential from the keychain (asks first; --yes to skip)',
    positionals: [{ name: 'name', label: 'NAME', required: true, complete: 'credential' }],
    flags: { yes: YES },
    handler: lazy(() => import('./commands/creds/delete.js'), 'deleteCredential'),
  },
  {
    path: 'creds import',
    describe: 'Store every credential of a dotenv file in the keychain (default .env.deploy), then offer to delete the file',
    positionals: [{ name: 'file', label: 'FILE', describe: 'dotenv file (default: .env.deploy at the project root)' }],
    flags: {
      yes: YES,
      force: { type: 'boolean', describe: 'The same as --yes: one confirmation covers replacing, in both imports' },
      'remove-file': { type: 'boolean', describe: 'Delete the file after a successful import' },
    },
    examples: [
      ['$0 creds import', 'Import .env.deploy, then decide whether to delete it'],
      ['$0 creds import .env.deploy --yes --remove-file', 'Without questions (replacing what is stored)'],
    ],
    handler: lazy(() => import('./commands/creds/import.js'), 'importCredentials'),
  },
  {
    path: 'deploy',
    describe: "Run the deploy command with this project's deploy credentials from the keychain (values masked in its output)",
    positionals: [{ name: 'command', label: 'CMD', variadic: true, describe: 'The command and its arguments, after -- (default: "deploy" in px.config.json)' }],
    examples: [
      ['$0 deploy -- wrangler deploy', 'Deploy with CLOUDFLARE_API_TOKEN from the keychain'],
      ['$0 deploy', 'Run "deploy" from px.config.json'],
    ],
    passThrough: true,
    handler: lazy(() => import('./commands/deploy.js'), 'runDeploy'),
  },
  {
    path: 'login',
    describe: "Store a secrets endpoint's token in the OS keychain (hidden input); px uses it when PX_TOKEN is not set",
    flags: {
      url: ENDPOINT_URL,
      verify: { type: 'boolean', default: true, describe: 'Check the token against the endpoint first (--no-verify skips it)' },
    },
    examples: [
      ['$0 login --url https://secrets.example.com', 'Type the token at a hidden prompt'],
      ['printf %s "$TOKEN" | $0 login --url https://secrets.example.com', 'Read it from a pipe'],
    ],
    readsValue: true,
    handler: lazy(() => import('./commands/login.js'), 'login'),
  },
  {
    path: 'logout',
    describe: "Remove a secrets endpoint's token from the OS keychain",
    flags: { url: ENDPOINT_URL },
    examples: [['$0 logout --url https://secrets.example.com', 'Forget the stored token']],
    handler: lazy(() => import('./commands/logout.js'), 'logout'),
  },
  {
    path: 'endpoint',
    describe: 'Check a secrets endpoint against the API px expects',
  },
  {
    path: 'endpoint check',
    describe: 'Check that an endpoint follows the secrets endpoint API (in scratch names PX_CHECK_*, removed afterwards)',
    flags: {
      url: { type: 'string', describe: 'Endpoint URL (else PX_URL, then "url" in px.config.json)' },
      json: { type: 'boolean', describe: 'Print one JSON report: {url, passed, checks: [{id, title, status, expected, got}], counts, left}' },
      insecure: { type: 'boolean', describe: 'Allow plain http to another machine' },
    },
    examples: [
      ['$0 endpoint check --url https://secrets.example.com', 'Check an endpoint with PX_TOKEN or the token of px login'],
      ['$0 endpoint check --json', 'Check the endpoint of px.config.json, as JSON'],
    ],
    handler: lazy(() => import('./commands/endpoint/check.js'), 'runEndpointCheck'),
  },
  {
    path: 'server',
    describe: 'Serve secrets over HTTP(S): the local store, --memory, or PostgreSQL for a team (--store)',
    flags: {
      port: { type: 'number', default: 8787, describe: 'Port (0 picks a free one)' },
      host: { type: 'string', default: '127.0.0.1', describe: 'Address to bind (loopback by default; another needs TLS or --insecure)' },
      memory: { type: 'boolean', describe: 'Serve an empty in-memory store, for trying px out' },
      'max-connections': { type: 'number', default: DEFAULT_MAX_CONNECTIONS, describe: 'Open connections it takes at once; more are refused' },
      store: { type: 'string', describe: 'postgres://… URL of a team store (else PX_STORE_URL, which keeps a password out of ps)' },
      'tls-cert': { type: 'string', describe: 'PEM certificate chain: serve HTTPS' },
      'tls-key': { type: 'string', describe: 'PEM private key for --tls-cert' },
    },
    examples: [
      ['$0 server', "Serve this project's local store on 127.0.0.1:8787"],
      ['$0 server --host 0.0.0.0 --tls-cert cert.pem --tls-key key.pem', 'A team server on PostgreSQL: its URL in PX_STORE_URL, not in the arguments ps shows'],
    ],
    handler: lazy(() => import('./commands/server.js'), 'runServer'),
  },
  { path: 'store', describe: 'The store behind px: key rotation' },
  {
    path: 'store rotate-key',
    describe: 'Re-encrypt the store (local, or PostgreSQL with --store) under a new key',
    flags: {
      store: { type: 'string', describe: 'postgres://… URL of a team store (else PX_STORE_URL; else the local store)' },
      'batch-size': { type: 'number', default: 500, describe: 'Values re-encrypted per transaction (PostgreSQL)' },
      json: { type: 'boolean', describe: 'Print {"target","keyId","previousKeyIds","reencrypted"}' },
    },
    examples: [
      ['$0 store rotate-key', "Re-encrypt this project's local store"],
      ['PX_STORE_URL=postgres://px@db.internal/px $0 store rotate-key', 'Re-encrypt a team store in batches (password from PGPASSWORD)'],
    ],
    handler: lazy(() => import('./commands/store/rotate-key.js'), 'rotateKey'),
  },
  {
    path: 'run',
    describe: "Run a command with the environment's runtime secrets in its environment (values masked in its output)",
    positionals: [{ name: 'command', label: 'CMD', variadic: true, describe: 'The command and its arguments, after --' }],
    // --url is accepted only to be refused with the reason (an endpoint never hands values out).
    flags: { url: { type: 'string', hidden: true }, 'allow-missing': { type: 'boolean', describe: 'Start even when a required secret is missing' } },
    examples: [
      ['$0 run -- npm start', 'Start the app with its secrets'],
      ['$0 run --env staging -- npm start', "Start it with staging's secrets"],
      ['$0 run -- node -e "console.log(Object.keys(process.env))"', 'See which names it gets'],
    ],
    fast: true,
    passThrough: true,
    handler: lazy(() => import('./commands/run.js'), 'runCommandWithSecrets'),
  },
  {
    path: 'setup',
    describe: 'First-run wizard: generate what can be generated, ask for the rest, validate',
    flags: {
      url: { type: 'string', describe: 'Secrets endpoint URL (else PX_URL, px.config.json, the local store)' },
      tier: { type: 'string', describe: 'Only what this tier needs (a tier of px.config.json)' },
      yes: { type: 'boolean', alias: 'y', describe: 'Ask nothing: generate what can be generated, list what still needs a person (exit 1 if any)' },
    },
    examples: [
      ['$0 setup', 'Onboard: generate and type in every missing secret'],
      ['$0 setup --yes', 'In CI or a script: generate, then fail listing what a person must provide'],
    ],
    handler: lazy(() => import('./commands/setup/setup.js'), 'runSetup'),
  },
  {
    path: 'ui',
    describe: 'Full-screen manager for runtime secrets and deploy credentials (also `px` alone on a terminal)',
    flags: { url: { type: 'string', describe: 'Secrets endpoint URL (else PX_URL, px.config.json, the local store)' } },
    // Its first frame is timed against `node -e 0`: no yargs on the way.
    fast: true,
    handler: lazy(() => import('./commands/ui/ui.js'), 'runUi'),
  },
  {
    path: 'scan',
    describe: 'Find values px holds in files, staged changes or git history (prints file:line NAME, never a value)',
    positionals: [{ name: 'paths', label: 'PATH', variadic: true, describe: 'Files or directories (default: the project, minus what .gitignore excludes)' }],
    flags: {
      staged: { type: 'boolean', describe: 'Scan the lines the staged changes add' },
      history: { type: 'boolean', describe: 'Scan the lines every commit reachable from HEAD added' },
      json: { type: 'boolean', describe: 'Print {"findings":[{path,line,name,commit?}]}' },
      'install-hook': { type: 'boolean', describe: 'Add a git pre-commit hook that runs px scan --staged' },
    },
    examples: [
      ['$0 scan', 'Is any secret px holds in a file of this project?'],
      ['$0 scan --install-hook', 'Refuse commits that add one'],
    ],
    handler: lazy(() => import('./commands/scan.js'), 'scanProject'),
  },
  {
    path: 'completion',
    describe: 'Print a shell completion script (bash, zsh or fish; default: your $SHELL)',
    positionals: [{ name: 'shell', label: 'SHELL', describe: 'bash, zsh or fish' }],
    examples: [
      ['eval "$($0 completion bash)"', 'In ~/.bashrc: complete commands, flags and secret names'],
      ['$0 completion fish > ~/.config/fish/completions/px.fish', 'For fish'],
    ],
    handler: lazy(() => import('./commands/completion.js'), 'printCompletion'),
  },
  {
    path: '__complete',
    describe: 'The candidates for the last of WORDS (what the completion scripts call)',
    positionals: [{ name: 'command', label: 'WORDS', variadic: true }],
    passThrough: true,
    hidden: true,
    handler: lazy(() => import('./commands/completion.js'), 'completeWords'),
  },
];

export const REGISTRY: Registry = { globals: GLOBAL_FLAGS, commands: COMMANDS };
