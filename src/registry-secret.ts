// The `px secret …` commands of the registry: part of the one list src/registry.ts declares (its
// header says what each field means), kept in a file of its own for length.
import { lazy, type Registry } from './cli/command-spec.js';
import { VALUE, YES } from './registry-flags.js';

export const SECRET_COMMANDS: Registry['commands'] = [
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
    describe: 'Print a value to stdout (to a pipe; on a terminal only with --reveal); from an endpoint with a service token',
    positionals: [{ name: 'name', label: 'NAME', required: true, complete: 'secret' }],
    flags: { reveal: { type: 'boolean', describe: 'Print it even when stdout is a terminal' } },
    examples: [
      ['$0 secret get STRIPE_SECRET_KEY | pbcopy', 'Copy a value without showing it'],
      ['PX_TOKEN=$SERVICE_TOKEN $0 secret get OPENAI_API_KEY --url https://secrets.example.com', 'From an endpoint, with a service token'],
    ],
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
  {
    path: 'secret types',
    describe: 'Print TypeScript declarations of the secret names for px-secrets/client',
    examples: [['$0 secret types > secrets.d.ts', "Make get('NAME') checked at compile time"]],
    handler: lazy(() => import('./commands/secret/types.js'), 'printSecretTypes'),
  },
];
