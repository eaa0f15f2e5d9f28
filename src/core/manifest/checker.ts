// The checks px.config.json's reader (parse.ts) makes of each field: a problem names the field by
// its JSON path and stops the command (exit 2), never showing a value.
import { UsageError } from '../errors.js';
import { MAX_GENERATED_LENGTH, MIN_GENERATED_LENGTH, sampleValues } from './charsets.js';
import { CHARSETS, type Charset, type Generator } from './types.js';

const GENERATOR_KEYS = ['type', 'length', 'charset'];

/** Formats already compiled once: a valid pattern stays valid. */
const validFormats = new Set<string>();
/** Whether a generator's samples match a format, by generator, then format. */
const generatorFits = new Map<Generator, Map<string, boolean>>();
const UUID_GENERATOR: Generator = { type: 'uuid' };
/** One object for each random generator, by charset and length: nothing changes a parsed generator. */
const randomGenerators = new Map<Charset, Map<number, Generator>>();
function randomGenerator(length: number, charset: Charset): Generator {
  let byLength = randomGenerators.get(charset);
  if (!byLength) randomGenerators.set(charset, (byLength = new Map()));
  let generator = byLength.get(length);
  if (!generator) byLength.set(length, (generator = { type: 'random', length, charset }));
  return generator;
}

export type Json = Record<string, unknown>;
export const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
export const list = (items: readonly string[]): string => items.join(', ');

/**
 * The checks of one file. A field's path (`$.secrets.X.format`) is given as the entry's path and
 * the field's own part, joined only when a check fails: a 200-entry manifest checks some 2,000
 * fields on every command, and a string made for each of them only fed the garbage collector.
 */
export class Checker {
  constructor(private readonly file: string) {}

  fail(path: string, problem: string): never {
    throw new UsageError(`${this.file}: ${path} ${problem}. Fix it and run again (px secret validate checks the file).`);
  }

  object(value: unknown, path: string, keys: readonly string[], field = ''): Json {
    if (!isObject(value)) this.fail(path + field, 'must be an object');
    const own = Object.keys(value);
    for (let i = 0; i < own.length; i++) {
      const key = own[i];
      // A key is named only when it is a plain word: a misplaced value must not be printed.
      if (!keys.includes(key)) this.fail(/^[A-Za-z$][A-Za-z0-9_]{0,40}$/.test(key) ? `${path}${field}.${key}` : path + field, `is not a known field (known: ${list(keys)})`);
    }
    return value;
  }

  string(value: unknown, path: string, field = ''): string | undefined {
    if (value !== undefined && typeof value !== 'string') this.fail(path + field, 'must be a string');
    return value as string | undefined;
  }

  boolean(value: unknown, path: string, field = ''): boolean | undefined {
    if (value !== undefined && typeof value !== 'boolean') this.fail(path + field, 'must be true or false');
    return value as boolean | undefined;
  }

  /** The keys of an object whose keys are names, in order: an invalid one is counted, never shown. */
  namedKeys(value: unknown, path: string, rule: (key: string) => string | null): { object: Json; keys: string[] } {
    if (!isObject(value)) this.fail(path, 'must be an object');
    const keys = Object.keys(value);
    for (let i = 0; i < keys.length; i++) {
      const problem = rule(keys[i]);
      if (problem) this.fail(path, `has an invalid name as its key number ${i + 1} (not shown, in case it is a value): ${problem}`);
    }
    return { object: value, keys };
  }

  format(value: unknown, path: string, field = ''): string | undefined {
    const format = this.string(value, path, field);
    // Manifests repeat a few formats over many entries: each is compiled once to check it.
    if (format === undefined || validFormats.has(format)) return format;
    try {
      new RegExp(format, 'u');
    } catch (error) {
      this.fail(path + field, `is not a valid regular expression (${(error as Error).message.replace(/^Invalid regular expression: /, '')})`);
    }
    validFormats.add(format);
    return format;
  }

  generator(value: unknown, path: string, field = ''): Generator | undefined {
    if (value === undefined) return undefined;
    const raw = this.object(value, path, GENERATOR_KEYS, field);
    if (raw.type === 'uuid') {
      if (raw.length !== undefined || raw.charset !== undefined) this.fail(path + field, 'of type uuid takes no length or charset');
      return UUID_GENERATOR;
    }
    if (raw.type !== 'random') this.fail(`${path}${field}.type`, 'must be "random" or "uuid"');
    const length = raw.length ?? 32;
    if (!Number.isInteger(length) || (length as number) < MIN_GENERATED_LENGTH || (length as number) > MAX_GENERATED_LENGTH) {
      this.fail(`${path}${field}.length`, `must be a whole number from ${MIN_GENERATED_LENGTH} to ${MAX_GENERATED_LENGTH}`);
    }
    const charset = raw.charset ?? 'alnum';
    if (!CHARSETS.includes(charset as never)) this.fail(`${path}${field}.charset`, `must be one of ${list(CHARSETS)}`);
    return randomGenerator(length as number, charset as Charset);
  }

  /** A generator whose values can never pass the format would make every generated secret invalid. */
  generatorMatches(generator: Generator | undefined, format: string | undefined, path: string, field = ''): void {
    if (!generator || format === undefined) return;
    // Manifests repeat one generator and format over many entries: each pair is checked once
    // (generators are shared objects, see randomGenerator).
    let fitsOf = generatorFits.get(generator);
    if (!fitsOf) generatorFits.set(generator, (fitsOf = new Map()));
    let fits = fitsOf.get(format);
    if (fits === undefined) {
      const regex = new RegExp(format, 'u');
      fits = sampleValues(generator).every((sample) => regex.test(sample));
      fitsOf.set(format, fits);
    }
    if (!fits) {
      this.fail(path + field, 'makes values that do not match the format it is checked against: change the generator or the format');
    }
  }
}
