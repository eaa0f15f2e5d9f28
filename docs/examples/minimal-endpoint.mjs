// A minimal secrets endpoint that passes `px endpoint check`: one bearer token, secrets in a Map.
// It is a plain `fetch(request) → Response` handler, so it runs as a Cloudflare Worker
// (`export default { fetch: createEndpoint({ token: env.PX_TOKEN }) }`), on Deno or Bun, or on
// Node through any adapter. A real one keeps its secrets in a database, encrypted, and has more
// than one token (see docs/endpoint.md); the rules below stay the same.
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_BODY_BYTES = 32 * 1024 * 1024;
const MAX_BULK_ENTRIES = 10_000;
const MAX_VALUE_BYTES = 64 * 1024;
const encoder = new TextEncoder();

const json = (status, body) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
// Errors name what is wrong, never the value (or a "name" that breaks the rules: it may be one).
const fail = (status, error, extra = {}) => json(status, { error, ...extra });
const notAllowed = (allow) => new Response(JSON.stringify({ error: `this path takes ${allow}` }), { status: 405, headers: { 'content-type': 'application/json', allow } });

const nameProblem = (name) =>
  typeof name !== 'string' || name.length === 0 || name.length > 256 || !NAME.test(name)
    ? 'a name uses letters, digits and _, does not start with a digit, and has at most 256 characters'
    : null;
const valueProblem = (value) => {
  if (typeof value !== 'string' || value === '') return 'the value must be a non-empty string';
  if (value.includes('\u0000')) return 'the value holds a NUL character';
  if (encoder.encode(value).length > MAX_VALUE_BYTES) return 'the value is larger than 64 KiB';
  return null;
};
const entryProblem = (entry) => (typeof entry === 'object' && entry !== null ? (nameProblem(entry.name) ?? valueProblem(entry.value)) : 'an entry is {"name", "value"}');

/** Compares SHA-256 digests, so the time taken says nothing about the token. */
async function sameToken(given, token) {
  const [a, b] = await Promise.all([given, token].map((text) => crypto.subtle.digest('SHA-256', encoder.encode(text))));
  const x = new Uint8Array(a);
  const y = new Uint8Array(b);
  let difference = 0;
  for (let i = 0; i < x.length; i++) difference |= x[i] ^ y[i];
  return difference === 0;
}

/** The JSON body, or a Response refusing it (413 over the limit, 400 when it is not JSON). */
async function readBody(request) {
  if (Number(request.headers.get('content-length') ?? 0) > MAX_BODY_BYTES) return fail(413, 'the body is larger than 32 MiB');
  const text = await request.text();
  if (encoder.encode(text).length > MAX_BODY_BYTES) return fail(413, 'the body is larger than 32 MiB');
  try {
    return { body: JSON.parse(text) };
  } catch {
    return fail(400, 'the body is not JSON');
  }
}

export function createEndpoint({ token, secrets = new Map() }) {
  const meta = (name) => ({ name, createdAt: secrets.get(name).createdAt, updatedAt: secrets.get(name).updatedAt });
  const put = (name, value, now) => {
    const previous = secrets.get(name);
    secrets.set(name, { value, createdAt: previous?.createdAt ?? now, updatedAt: now });
    return previous === undefined;
  };

  return async function fetch(request) {
    const { pathname } = new URL(request.url);
    const header = request.headers.get('authorization') ?? '';
    if (!header.startsWith('Bearer ') || !(await sameToken(header.slice(7), token))) return fail(401, 'missing or wrong bearer token');
    const method = request.method;

    if (pathname === '/secrets' && method === 'GET') {
      const names = [...secrets.keys()].sort();
      return json(200, { secrets: names.map(meta), count: names.length });
    }
    if (pathname === '/secrets' && method === 'POST') {
      const read = await readBody(request);
      if (read instanceof Response) return read;
      const problem = entryProblem(read.body);
      if (problem) return fail(400, problem);
      put(read.body.name, read.body.value, new Date().toISOString());
      return json(201, meta(read.body.name));
    }
    if (pathname === '/secrets/bulk' && method === 'POST') {
      const read = await readBody(request);
      if (read instanceof Response) return read;
      const entries = read.body?.secrets;
      if (!Array.isArray(entries) || entries.length === 0) return fail(400, 'the body is {"secrets": [{"name", "value"}, …]}');
      if (entries.length > MAX_BULK_ENTRIES) return fail(413, `at most ${MAX_BULK_ENTRIES} entries per request`);
      // All or nothing: every entry is checked before any is written.
      const bad = entries.flatMap((entry, index) => {
        const problem = entryProblem(entry);
        return problem ? [{ index, ...(nameProblem(entry?.name) ? {} : { name: entry.name }), error: problem }] : [];
      });
      if (bad.length > 0) return fail(400, `${bad.length} invalid entries; nothing was written`, { entries: bad });
      const now = new Date().toISOString();
      const created = entries.filter((entry) => put(entry.name, entry.value, now)).length;
      return json(201, { created, updated: entries.length - created });
    }
    // One token, so nobody manages tokens or grants here: those routes refuse (403) rather than
    // not exist, as the API says for a token whose role does not allow them.
    if (/^\/(tokens|access-requests)(\/|$)/.test(pathname)) return fail(403, 'this endpoint has one token and no token management');
    // Only an approved service token reads values; this endpoint has none.
    if (pathname === '/secrets/values' && method === 'POST') return fail(403, 'this token may not read values: only an approved service token may');
    if (pathname === '/secrets') return notAllowed('GET, POST');
    if ((pathname === '/secrets/bulk' || pathname === '/secrets/values') && method !== 'DELETE') return notAllowed('POST');
    const match = /^\/secrets\/([^/]+)(\/exists)?$/.exec(pathname);
    if (match) {
      const name = decodeURIComponent(match[1]);
      const exists = match[2] !== undefined;
      if (exists && method !== 'GET') return notAllowed('GET');
      if (!exists && method !== 'DELETE') return notAllowed('DELETE');
      if (nameProblem(name)) return fail(400, nameProblem(name));
      if (exists) return json(200, { exists: secrets.has(name) });
      if (!secrets.delete(name)) return fail(404, `no secret named ${name}`);
      return new Response(null, { status: 204 });
    }
    return fail(404, 'no such route');
  };
}
