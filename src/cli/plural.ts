// Counts said as people say them: "1 secret", "2 secrets", "10,000 secrets".

/** `count(1, 'secret')` is "1 secret"; every other number takes the plural. */
export const count = (n: number, noun: string): string => `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
