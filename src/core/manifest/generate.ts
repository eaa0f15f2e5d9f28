// Generated secret values, from the OS's CSPRNG (node:crypto). Each character is drawn by
// rejection sampling, so every character of the alphabet is equally likely (no modulo bias).
import { randomBytes, randomUUID } from 'node:crypto';
import { ALPHABETS } from './charsets.js';
import type { Generator } from './types.js';

export function generateValue(generator: Generator): string {
  if (generator.type === 'uuid') return randomUUID();
  const alphabet = ALPHABETS[generator.charset];
  // The largest multiple of the alphabet's size that fits in a byte: bytes at or above it are
  // thrown away, so `byte % size` is uniform.
  const limit = 256 - (256 % alphabet.length);
  let value = '';
  while (value.length < generator.length) {
    const bytes = randomBytes(Math.ceil((generator.length - value.length) * 1.25) + 8);
    for (const byte of bytes) {
      if (byte >= limit) continue;
      value += alphabet[byte % alphabet.length];
      if (value.length === generator.length) break;
    }
  }
  return value;
}
