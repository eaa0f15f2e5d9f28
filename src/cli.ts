// The one place that lists every command. `runCli` parses, runs the chosen command and turns
// any error into one line on stderr and an exit code.
import yargs, { type Argv } from 'yargs';
import { DEFAULT_TIMEOUT_SECONDS } from './core/limits.js';
import { VERSION } from './version.js';
import { line, type Io } from './cli/io.js';
import { commandPath, describeParseError } from './cli/parse-errors.js';
import { runReported } from './cli/error-report.js';
import type { GlobalArgs } from './cli/project-target.js';
import { createCommand } from './commands/secret/create.js';
import { deleteCommand } from './commands/secret/delete.js';
import { existsCommand } from './commands/secret/exists.js';
import { importCommand } from './commands/secret/import.js';
import { listCommand } from './commands/secret/list.js';
import { historyCommand } from './commands/secret/history.js';
import { rollbackCommand } from './commands/secret/rollback.js';
import { serverCommand } from './commands/server.js';
import { runCommand } from './commands/run.js';
import { credsSetCommand } from './commands/creds/set.js';
import { credsListCommand } from './commands/creds/list.js';
import { credsDeleteCommand } from './commands/creds/delete.js';
import { credsImportCommand } from './commands/creds/import.js';
import { deployCommandModule } from './commands/deploy.js';
import { loginCommand } from './commands/login.js';
import { logoutCommand } from './commands/logout.js';
import { endpointCheckCommand } from './commands/endpoint/check.js';

type Work = (io: Io) => Promise<number>;

/** Options px reads once: given twice, yargs would hand over an array. */
const REPEATABLE_NOT = ['value', 'url', 'project', 'timeout', 'port', 'host'];

/** Commands that run another program take everything after `--` verbatim. */
const PASS_THROUGH = new Set(['run', 'deploy']);

function splitPassThrough(argv: string[]): { own: string[]; rest: string[] } {
  const dash = argv.indexOf('--');
  if (dash < 0 || !argv.slice(0, dash).some((arg) => PASS_THROUGH.has(arg))) return { own: argv, rest: [] };
  return { own: argv.slice(0, dash), rest: argv.slice(dash + 1) };
}

function buildParser(argv: string[], rest: string[], schedule: (work: Work) => void): Argv<GlobalArgs> {
  return yargs(argv)
    .scriptName('px')
    .usage('px — project secrets from the terminal\n\nUsage: $0 <command> [options]')
    .version(VERSION)
    .option('project', { type: 'string', describe: 'Project directory (default: nearest with px.config.json, else the current one)', global: true })
    .option('timeout', { type: 'number', describe: `Endpoint request timeout in seconds (default ${DEFAULT_TIMEOUT_SECONDS})`, global: true })
    .option('color', { type: 'boolean', default: true, describe: 'Color output (--no-color, or NO_COLOR=1, turns it off)', global: true })
    .command('secret', 'Runtime secrets on the project endpoint or local store', (secret: Argv<GlobalArgs>) =>
      secret
        .option('url', { type: 'string', describe: 'Secrets endpoint URL (else PX_URL, px.config.json, the local store)', global: true })
        .command(createCommand(schedule))
        .command(listCommand(schedule))
        .command(deleteCommand(schedule))
        .command(existsCommand(schedule))
        .command(importCommand(schedule))
        .command(historyCommand(schedule))
        .command(rollbackCommand(schedule))
        .demandCommand(1, 'Name a secret command: create, list, delete, exists, import, history or rollback.')
        .strict(),
    )
    .command('creds', "Deploy credentials in the OS keychain, scoped to this project", (creds: Argv<GlobalArgs>) =>
      creds
        .command(credsSetCommand(schedule))
        .command(credsListCommand(schedule))
        .command(credsDeleteCommand(schedule))
        .command(credsImportCommand(schedule))
        .demandCommand(1, 'Name a creds command: set, list, delete or import.')
        .strict(),
    )
    .command('endpoint', 'Check a secrets endpoint against the API px expects', (endpoint: Argv<GlobalArgs>) =>
      endpoint.command(endpointCheckCommand(schedule)).demandCommand(1, 'Name an endpoint command: check.').strict(),
    )
    .command(deployCommandModule(schedule, rest))
    .command(loginCommand(schedule))
    .command(logoutCommand(schedule))
    .command(serverCommand(schedule))
    .command(runCommand(schedule, rest))
    .completion('completion', 'Print a shell completion script (bash/zsh): px completion >> ~/.bashrc')
    .demandCommand(1, 'Name a command; px --help lists them.')
    .recommendCommands()
    .strict()
    .help()
    .alias('h', 'help')
    .wrap(null)
    .exitProcess(false) as unknown as Argv<GlobalArgs>;
}

/** Runs px with `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: string[], io: Io): Promise<number> {
  let work: Work | undefined;
  let parseError: Error | undefined;
  let parsed: Record<string, unknown> | undefined;
  let output = '';
  const { own, rest } = splitPassThrough(argv);
  // `--value -abc`: yargs would read the value as flags (-h even prints help) and name its
  // letters in an error. Refused before yargs sees it.
  if (own.some((arg, i) => arg === '--value' && own[i + 1]?.startsWith('-'))) {
    line(io.stderr, `error: ${describeParseError('', own, true)}`);
    return 2;
  }
  const parser = buildParser(own, rest, (next) => {
    work = next;
  });
  try {
    await parser.parseAsync(own, {}, (error: Error | undefined, args: Record<string, unknown>, out: string) => {
      parseError = error ?? undefined;
      parsed = args;
      output = out;
    });
  } catch (error) {
    parseError = error as Error;
  }
  if (!parseError) {
    // yargs makes an array of a flag given twice; px takes each of these once.
    const repeated = REPEATABLE_NOT.find((flag) => Array.isArray(parsed?.[flag]));
    if (repeated) parseError = new Error(`--${repeated} was given more than once: give it once`);
    // Words after `--` land in `_` unchecked; only run and deploy take a command there.
    const words = (parsed?._ as unknown[] | undefined) ?? [];
    const commandWords = commandPath(own).length;
    const completing = own.includes('--get-yargs-completions');
    if (!repeated && !completing && rest.length === 0 && words.length > commandWords) parseError = new Error(`Unknown arguments: ${words.slice(commandWords).join(', ')}`);
  }
  if (parseError) {
    line(io.stderr, `error: ${describeParseError(parseError.message, own)}`);
    return 2;
  }
  if (output) line(io.stdout, output);
  if (!work) return 0;
  return runReported(io, work);
}
