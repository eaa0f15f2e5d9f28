// Counts said as people say them: "1 secret", "2 secrets", "10,000 secrets".

/**
 * A whole number with commas every three digits ("10,000"), as toLocaleString('en-US') writes it,
 * without the few milliseconds that starting Intl's number formatting costs a run.
 */
export function grouped(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n));
  let text = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let at = text.length; at < digits.length; at += 3) text += `,${digits.slice(at, at + 3)}`;
  return n < 0 ? `-${text}` : text;
}

/** `count(1, 'secret')` is "1 secret"; every other number takes the plural. */
export const count = (n: number, noun: string): string => `${grouped(n)} ${noun}${n === 1 ? '' : 's'}`;
