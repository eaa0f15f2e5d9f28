// Opening a PostgreSQL database for px: the URL checked and described without its password, the
// driver's pool set up quietly (no notices on stdout), and connection failures turned into px's
// errors (exit 3 unreachable, 4 rejected), each naming host and database and never a password.
import postgres from 'postgres';
import { AuthRejected, PxError, Unreachable, UsageError } from '../errors.js';

export interface DatabaseAddress {
  host: string;
  port: number;
  database: string;
  user: string;
  /** `host:port/database`: what messages and logs say. */
  label: string;
}

export function parseStoreUrl(raw: string, source: string): DatabaseAddress {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`The store URL from ${source} is not a valid URL: give one like postgres://px@db.example.com/px.`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new UsageError(`The store URL from ${source} must start with postgres:// (or postgresql://).`);
  }
  const host = decodeURIComponent(url.hostname) || 'localhost';
  const port = url.port ? Number(url.port) : 5432;
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || decodeURIComponent(url.username) || 'postgres';
  const user = decodeURIComponent(url.username) || 'postgres';
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return { host, port, database, user, label: `${shownHost}:${port}/${database}` };
}

export function connect(raw: string, options: { max?: number } = {}): postgres.Sql {
  return postgres(raw, {
    max: options.max ?? 10,
    // Notices (e.g. "already exists, skipping") would go to stdout.
    onnotice: () => undefined,
    connect_timeout: 10,
    idle_timeout: 60,
    // Timestamps come back as Date, bytea as Buffer; nothing else needs a custom type.
    connection: { application_name: 'px' },
  });
}

const SQLSTATE_WORDS: Record<string, string> = {
  '28P01': 'the password was rejected',
  '28000': 'the server does not allow this user from here',
  '3D000': 'the database does not exist',
  '42501': 'the user lacks a permission px needs',
  '57P03': 'the server is starting up or shutting down',
  '53300': 'the server has too many connections',
};

const NETWORK_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'the connection was reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connecting timed out',
  CONNECT_TIMEOUT: 'connecting timed out',
  CONNECTION_CLOSED: 'the connection closed',
  CONNECTION_ENDED: 'the connection closed',
  CONNECTION_DESTROYED: 'the connection closed',
};

/** A driver error as px's error, or null when it is not about reaching the database. */
export function connectionProblem(error: unknown, address: DatabaseAddress): PxError | null {
  const code = String((error as { code?: unknown })?.code ?? '');
  const where = `PostgreSQL database ${address.database} on ${address.host}:${address.port}`;
  if (code === '28P01' || code === '28000') {
    return new AuthRejected(`The ${where} refused px (user ${address.user}: ${SQLSTATE_WORDS[code]}). Check the user and password in the store URL.`, { cause: error });
  }
  if (code === '42501') return new AuthRejected(`The ${where} refused px: ${SQLSTATE_WORDS[code]} (user ${address.user}).`, { cause: error });
  const why = SQLSTATE_WORDS[code] ?? NETWORK_WORDS[code];
  if (why) return new Unreachable(`Cannot reach the ${where} (${why}). Check that it is running and the store URL (--store, PX_STORE_URL).`, { cause: error });
  return null;
}
