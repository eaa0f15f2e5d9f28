// The alphabets of random generators, and deterministic sample values for checking at parse time
// that a generator's output can match its own `format` (the same manifest must always get the
// same verdict, so the samples come from a fixed sequence, not from the CSPRNG).
import type { Charset, Generator } from './types.js';

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';

export const ALPHABETS: Record<Charset, string> = {
  alnum: UPPER + LOWER + DIGITS,
  hex: '0123456789abcdef',
  base64: `${UPPER}${LOWER}${DIGITS}+/`,
  base64url: `${UPPER}${LOWER}${DIGITS}-_`,
};

export const MIN_GENERATED_LENGTH = 8;
export const MAX_GENERATED_LENGTH = 4096;
/** The generator of a per_install_generated secret that declares none. */
export const DEFAULT_GENERATOR: Generator = { type: 'random', length: 32, charset: 'alnum' };

/** Pseudo-random samples on top of the ones that sweep the alphabet. */
const RANDOM_SAMPLES = 3;

/** Values the generator could produce: every character of its alphabet appears in some of them. */
export function sampleValues(generator: Generator): string[] {
  if (generator.type === 'uuid') return ['00000000-0000-4000-8000-000000000000', 'ffffffff-ffff-4fff-bfff-ffffffffffff', '3f2a9c1e-7b4d-4e8f-a1c2-9d0e6b5f4a3c'];
  const alphabet = ALPHABETS[generator.charset];
  const { length } = generator;
  const samples: string[] = [];
  // The alphabet in order, `length` characters at a time, until every character has appeared.
  for (let start = 0; start < alphabet.length; start += length) {
    let value = '';
    for (let i = 0; i < length; i++) value += alphabet[(start + i) % alphabet.length];
    samples.push(value);
  }
  let state = 0x2545f491;
  for (let s = 0; s < RANDOM_SAMPLES; s++) {
    let value = '';
    for (let i = 0; i < length; i++) {
      // xorshift32: a fixed pseudo-random sequence, only for these samples
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      value += alphabet[(state >>> 0) % alphabet.length];
    }
    samples.push(value);
  }
  return samples;
}

export function describeGenerator(generator: Generator): string {
  return generator.type === 'uuid' ? 'a random UUID' : `${generator.length} random ${generator.charset} characters`;
}
