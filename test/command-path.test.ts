// commandPath asks the registry about each word of argv; it must find the same command words as
// the definition it stands for: each word one of nextWords(), each `--name` of valueFlagNames()
// skipped with its value.
import { describe, expect, it } from 'vitest';
import { commandPath, nextWords, valueFlagNames, type Registry } from '../src/cli/command-spec.js';
import { REGISTRY } from '../src/registry.js';

function byListing(registry: Registry, argv: readonly string[]): string[] {
  const takesValue = valueFlagNames(registry);
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') break;
    if (arg.startsWith('-')) {
      if (takesValue.has(arg)) i++;
      continue;
    }
    if (nextWords(registry, words).includes(arg)) words.push(arg);
    else break;
  }
  return words;
}

const valueFlag = [...valueFlagNames(REGISTRY)][0];
const booleanFlag = `--${Object.entries(REGISTRY.globals).find(([, flag]) => flag.type === 'boolean')?.[0]}`;

const CASES: string[][] = [
  [],
  ['secret', 'list', '--json'],
  ['secret', 'exists', 'APP_SECRET_0042'],
  ['--json', 'secret', 'list'],
  [valueFlag, 'secret', 'secret', 'get', 'NAME'],
  [booleanFlag, 'secret', 'create', 'NAME'],
  ['secret', valueFlag, 'list', 'list'],
  ['secret list'],
  ['secret', 'list extra'],
  ['', 'secret'],
  ['secret', ''],
  ['--constructor', 'secret', 'list'],
  ['--__proto__', 'secret', 'list'],
  ['-x', 'secret', 'list'],
  ['secret', '--', 'list'],
  ['nosuch', 'secret'],
  ['secret', 'nosuch', 'list'],
  ['run', '--', 'node', '-e', '0'],
  ...REGISTRY.commands.map((spec) => spec.path.split(' ')),
  ...REGISTRY.commands.map((spec) => [...spec.path.split(' '), valueFlag, 'list', 'x']),
];

describe('commandPath', () => {
  it.each(CASES.map((argv) => [argv.join(' ') || '(none)', argv]))('%s: the same words as listing every next word and value flag', (_, argv) => {
    expect(commandPath(REGISTRY, argv as string[])).toEqual(byListing(REGISTRY, argv as string[]));
  });

  it('skips the value of a flag only some command takes, and no value after a boolean flag', () => {
    expect(valueFlag).toMatch(/^--/);
    expect(commandPath(REGISTRY, [valueFlag, 'secret', 'secret', 'list'])).toEqual(['secret', 'list']);
    expect(commandPath(REGISTRY, ['--json', 'secret', 'list'])).toEqual(['secret', 'list']);
  });

  it('takes no argv word that holds a space as command words', () => {
    expect(commandPath(REGISTRY, ['secret list'])).toEqual([]);
  });
});
