// Every px command, declared once (the `px secret …` ones in src/registry-secret.ts). The yargs parser and help (src/cli/parser.ts), the fast path
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
import { ENDPOINT_URL, VALUE, YES } from './registry-flags.js';
import { SECRET_COMMANDS } from './registry-secret.js';

/** Flags every command takes. */
const GLOBAL_FLAGS: Readonly<Record<string, FlagSpec>> = {
  project: { type: 'string', describe: 'Project directory (default: nearest with px.config.json, else the current one)' },
  timeout: { type: 'number', describe: `Endpoint request timeout in seconds (default ${DEFAULT_TIMEOUT_SECONDS})` },
  env: { type: 'string', describe: 'Environment (else PX_ENV, else "default" in px.config.json, else development)' },
  color: { type: 'boolean', default: true, describe: 'Color output (--no-color, or NO_COLOR=1, turns it off)' },
  insecure: { type: 'boolean', describe: 'Allow plain http:// off loopback (the token and values cross the network readable)' },
};

const COMMANDS: Registry['commands'] = [
  ...SECRET_COMMANDS,
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
    describe: "Run a command with the environment's runtime secrets (local store, or an endpoint with a service token), values masked in its output",
    positionals: [{ name: 'command', label: 'CMD', variadic: true, describe: 'The command and its arguments, after --' }],
    flags: {
      url: { type: 'string', describe: 'Read the values from this endpoint with a service token (PX_TOKEN)' },
      'allow-missing': { type: 'boolean', describe: 'Start even when a required secret is missing' },
    },
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
    path: 'token',
    describe: 'Tokens of a px server: roles, scopes, approvals (admin)',
    flags: { url: { type: 'string', describe: 'The px server (else PX_URL, px.config.json)' } },
  },
  {
    path: 'token create',
    describe: 'Create a token (shown once) with a role and a scope',
    flags: {
      role: { type: 'string', describe: 'admin, writer, reader or service' },
      scope: { type: 'string', describe: "PROJECT/ENV (default: the admin token's own scope)" },
      name: { type: 'string', describe: 'A name to recognise it by in px token list' },
      json: { type: 'boolean', describe: 'Print {"id","token","role"}' },
    },
    examples: [['$0 token create --role service --name billing-api', 'A token for an app: approve it once it asked for names']],
    handler: lazy(() => import('./commands/token/create.js'), 'createToken'),
  },
  {
    path: 'token list',
    describe: 'List the tokens of a px server and the access requests waiting for approval',
    flags: { json: { type: 'boolean', describe: 'Print {"tokens":[…],"requests":[…],"missing":[…]}' } },
    handler: lazy(() => import('./commands/token/list.js'), 'listTokens'),
  },
  {
    path: 'token revoke',
    describe: 'Revoke a token: it is refused from now on',
    positionals: [{ name: 'id', label: 'ID', required: true }],
    handler: lazy(() => import('./commands/token/revoke.js'), 'revokeToken'),
  },
  {
    path: 'token approve',
    describe: 'Approve a service token (tok_…) or an access request (req_…)',
    positionals: [{ name: 'id', label: 'ID', required: true }],
    handler: lazy(() => import('./commands/token/approve.js'), 'approve'),
  },
  {
    path: 'token deny',
    describe: 'Deny an access request (req_…)',
    positionals: [{ name: 'id', label: 'ID', required: true }],
    handler: lazy(() => import('./commands/token/deny.js'), 'deny'),
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
