// How a large bulk write of the PostgreSQL store is cut into statements.

/** Names per statement of a bulk write (see PostgresStore's writeSlices). */
export const BULK_SLICE_ROWS = 2500;

/**
 * Where the statements of a bulk write of `count` names start and end: the first ones smaller
 * (a quarter of BULK_SLICE_ROWS, then doubling), so that PostgreSQL starts on a first slice sealed
 * in a few milliseconds and each next slice is sealed while it writes the one before (PostgreSQL
 * takes about twice as long per name as sealing does).
 */
export function bulkSlices(count: number): Array<[number, number]> {
  const slices: Array<[number, number]> = [];
  let size = Math.ceil(BULK_SLICE_ROWS / 4);
  for (let from = 0; from < count; from += size, size = Math.min(size * 2, BULK_SLICE_ROWS)) slices.push([from, Math.min(from + size, count)]);
  return slices;
}
