// Parse errors come from the registry, not from yargs' sentences: the problem of a command line is
// found from the declarations alone (here a registry made up for the test, and px's own), and a
// flag added to a declaration is known to the errors at once.
import { describe, expect, it } from 'vitest';
import { findProblem } from '../src/cli/argv-problem.js';
import { lazy, type Registry } from '../src/cli/command-spec.js';
import { describeParseError } from '../src/cli/parse-errors.js';
import { REGISTRY } from '../src/registry.js';

const handler = lazy(async () => ({ run: async () => 0 }), 'run');
const TOY: Registry = {
  globals: { quiet: { type: 'boolean' } },
  commands: [
    { path: 'box', describe: 'Boxes' },
    {
      path: 'box pack',
      describe: 'Pack one',
      suggestFor: ['wrap'],
      positionals: [{ name: 'item', label: 'ITEM', required: true }],
      flags: { size: { type: 'number' }, 'gift-wrap': { type: 'boolean', alias: 'g' }, tag: { type: 'string', repeat: true } },
      handler,
    },
    { path: 'ship', describe: 'Ship', positionals: [{ name: 'command', variadic: true }], passThrough: true, handler },
  ],
};

describe('findProblem', () => {
  it.each([
    [['box', 'pack', 'cup'], undefined],
    [['box', 'pack', 'cup', '--giftWrap', '-g', '--no-gift-wrap', '--size=3', '--tag', 'a', '--tag', 'b', '--quiet'], undefined],
    [['box', 'pack', '--help'], undefined],
    [['box'], { kind: 'no-command', path: ['box'] }],
    [[], { kind: 'no-command', path: [] }],
    [['box', 'wrap', 'cup'], { kind: 'unknown-command', path: ['box'], word: 'wrap' }],
    [['boxes'], { kind: 'unknown-command', path: [], word: 'boxes' }],
    [['box', 'pack'], { kind: 'missing', path: ['box', 'pack'], label: 'ITEM' }],
    [['box', 'pack', 'cup', 'saucer'], { kind: 'unknown', path: ['box', 'pack'], flags: [], words: 1 }],
    [['box', 'pack', 'cup', '--sise', '3', '-x'], { kind: 'unknown', path: ['box', 'pack'], flags: ['--sise', '-x'], words: 1 }],
    [['box', 'pack', 'cup', '--', 'more'], { kind: 'unknown', path: ['box', 'pack'], flags: [], words: 1 }],
    [['box', 'pack', 'cup', '--size', '1', '--size=2'], { kind: 'repeated', path: ['box', 'pack'], flag: 'size' }],
    [['ship', 'truck', 'now', '--', 'x'], undefined],
  ])('%j', (argv, problem) => {
    expect(findProblem(TOY, argv)).toEqual(problem);
  });

  it('words each problem from the declarations: suggestFor, typos of declared flags, labels', () => {
    const say = (argv: string[]): string => describeParseError(TOY, findProblem(TOY, argv) ?? { kind: 'other', path: [], message: '' }, argv);
    expect(say(['box', 'wrap', 'cup'])).toBe('Unknown box command wrap: did you mean `px box pack`? Run `px box --help` for usage.');
    expect(say(['wrap'])).toBe('Unknown command wrap: did you mean `px box pack`? Run `px --help` for usage.');
    expect(say(['box', 'pack', 'cup', '--gift-wrp'])).toBe('Unknown flag --gift-wrp: did you mean --gift-wrap? Run `px box pack --help` for usage.');
    expect(say(['box', 'pack'])).toBe('px box pack needs a ITEM: px box pack ITEM. Run `px box pack --help` for usage.');
    expect(say(['box'])).toBe('Name a box command: pack.');
    expect(say(['ship', '--fast'])).toMatch(/^px ship takes the command to run after --/);
  });

  it("px's own registry: show and get lead to px secret get, wherever they are typed", () => {
    const say = (argv: string[]): string => describeParseError(REGISTRY, findProblem(REGISTRY, argv) ?? { kind: 'other', path: [], message: '' }, argv);
    expect(say(['secret', 'show', 'API_KEY'])).toBe('Unknown secret command show: did you mean `px secret get`? Run `px secret --help` for usage.');
    expect(say(['show', 'API_KEY'])).toBe('Unknown command show: did you mean `px secret get`? Run `px --help` for usage.');
    expect(say(['get', 'API_KEY'])).toBe('Unknown command get: did you mean `px secret get`? Run `px --help` for usage.');
  });
});
