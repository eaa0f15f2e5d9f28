// Limits the endpoint enforces and the client plans around (import chunks past them).

/** Largest request body the endpoint accepts; bigger ones get 413. */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;
/** Most entries one `POST /secrets/bulk` may carry. */
export const MAX_BULK_ENTRIES = 10_000;
/** Default timeout for one endpoint request, in seconds (`--timeout`). */
export const DEFAULT_TIMEOUT_SECONDS = 10;
/** `px server`: connections it takes at once by default (--max-connections raises it, up to the ceiling). */
export const DEFAULT_MAX_CONNECTIONS = 512;
export const MAX_CONNECTIONS_CEILING = 100_000;
