// The checks of the conformance suite, one per rule of the endpoint API. Each check writes only
// names of its own under PX_CHECK_, so that one broken rule fails its own check and not the
// others. Values are random per run (they share the run's stem): a report says how an answer was
// wrong, never what it held.
import { CheckFailed, describe, isObject, shownPath, type Answer, type Recorder } from './exchange.js';

export interface RunContext {
  http: Recorder;
  /** Random per run; in every value (and invalid name) the run sends, in no valid name. */
  stem: string;
  /** A new value (or invalid name) holding the stem. */
  value(): string;
  /** Names the run may have written, for the cleanup. */
  written: Set<string>;
  /** Ids of tokens the run made, revoked by the cleanup. */
  tokens: Set<string>;
  /** Registers a secret without the stem (a token the endpoint made) that no error may repeat. */
  sent(secret: string): void;
  /** Whether `text` holds anything the run sent that is secret. */
  holdsSent(text: string): boolean;
}

export interface Check {
  id: string;
  title: string;
  /** What a conforming endpoint does, shown for a passed check. */
  expected: string;
  /** A string: the check was skipped, and why. */
  // biome-ignore lint/suspicious/noConfusingVoidType: a check that passed returns nothing; the many checks stay without `return undefined`
  run(run: RunContext): Promise<void | string>;
}

export const PREFIX = 'PX_CHECK_';
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const isTime = (value: unknown): value is string => typeof value === 'string' && ISO_TIME.test(value) && !Number.isNaN(Date.parse(value));

export function expectStatus(answer: Answer, status: number, expected: string): void {
  if (answer.status !== status) throw new CheckFailed(expected, `${answer.method} ${shownPath(answer.path)} → ${describe(answer)}`);
}

export function expectThat(ok: boolean, expected: string, got: string): void {
  if (!ok) throw new CheckFailed(expected, got);
}

export async function put(run: RunContext, name: string, value = run.value()): Promise<Answer> {
  run.written.add(name);
  return run.http.call('POST', '/secrets', { body: { name, value } });
}

/** POST /secrets answered 201 {name, createdAt, updatedAt}: the times. */
function meta(answer: Answer, name: string): { createdAt: string; updatedAt: string } {
  expectStatus(answer, 201, `POST /secrets ${name} → 201 {name, createdAt, updatedAt}`);
  const body = answer.json;
  expectThat(isObject(body) && body.name === name, `201 {name: "${name}", …}`, `201 ${describe(answer)}${isObject(body) && typeof body.name === 'string' ? ' with another name' : ''}`);
  const { createdAt, updatedAt } = body as Record<string, unknown>;
  expectThat(isTime(createdAt) && isTime(updatedAt), 'createdAt and updatedAt as ISO 8601 times', `createdAt: ${isTime(createdAt) ? 'ISO 8601' : typeof createdAt}, updatedAt: ${isTime(updatedAt) ? 'ISO 8601' : typeof updatedAt}`);
  return { createdAt: createdAt as string, updatedAt: updatedAt as string };
}

const noStem = (run: RunContext, answer: Answer, expected: string): void =>
  expectThat(!run.holdsSent(answer.text), expected, `${answer.method} ${shownPath(answer.path)} → ${answer.status} whose body holds a value sent`);

async function exists(run: RunContext, name: string): Promise<boolean> {
  const answer = await run.http.call('GET', `/secrets/${encodeURIComponent(name)}/exists`);
  expectStatus(answer, 200, `GET /secrets/${name}/exists → 200 {exists}`);
  const body = answer.json;
  expectThat(isObject(body) && typeof body.exists === 'boolean', '200 {exists: boolean}', describe(answer));
  return (body as { exists: boolean }).exists;
}

async function list(run: RunContext): Promise<{ answer: Answer; secrets: Array<Record<string, unknown>> }> {
  const answer = await run.http.call('GET', '/secrets');
  expectStatus(answer, 200, 'GET /secrets → 200 {secrets, count}');
  const body = answer.json;
  expectThat(isObject(body) && Array.isArray(body.secrets) && body.secrets.every(isObject), '200 {secrets: [{…}], count}', describe(answer));
  return { answer, secrets: (body as { secrets: Array<Record<string, unknown>> }).secrets };
}

const sameTimes = (a: { createdAt: unknown; updatedAt: unknown }, b: { createdAt: unknown; updatedAt: unknown }): boolean =>
  Date.parse(String(a.createdAt)) === Date.parse(String(b.createdAt)) && Date.parse(String(a.updatedAt)) === Date.parse(String(b.updatedAt));

/** True when any object in `value` (at any depth) has a key named "value". */
const hasValueField = (value: unknown): boolean =>
  Array.isArray(value) ? value.some(hasValueField) : isObject(value) && ('value' in value || Object.values(value).some(hasValueField));

export const authChecks: Check[] = [
  {
    id: 'auth.none',
    title: 'a request without a token is refused',
    expected: 'GET /secrets and POST /secrets without Authorization → 401',
    async run(run) {
      expectStatus(await run.http.call('GET', '/secrets', { token: null }), 401, 'GET /secrets without a token → 401');
      run.written.add(`${PREFIX}AUTH`);
      const write = await run.http.call('POST', '/secrets', { token: null, body: { name: `${PREFIX}AUTH`, value: run.value() } });
      expectStatus(write, 401, 'POST /secrets without a token → 401');
      expectThat(!(await exists(run, `${PREFIX}AUTH`)), 'nothing written without a token', `${PREFIX}AUTH exists after a refused write`);
    },
  },
  {
    id: 'auth.wrong',
    title: 'a request with a wrong token is refused',
    expected: 'GET /secrets and POST /secrets with a wrong bearer token → 401',
    async run(run) {
      const token = `wrong-${run.value()}`;
      expectStatus(await run.http.call('GET', '/secrets', { token }), 401, 'GET /secrets with a wrong token → 401');
      run.written.add(`${PREFIX}AUTH`);
      const write = await run.http.call('POST', '/secrets', { token, body: { name: `${PREFIX}AUTH`, value: run.value() } });
      expectStatus(write, 401, 'POST /secrets with a wrong token → 401');
      expectThat(!(await exists(run, `${PREFIX}AUTH`)), 'nothing written with a wrong token', `${PREFIX}AUTH exists after a refused write`);
    },
  },
];

export const secretChecks: Check[] = [
  {
    id: 'create',
    title: 'POST /secrets creates a secret and says when',
    expected: '201 {name, createdAt, updatedAt} with ISO 8601 times, createdAt ≤ updatedAt, no value',
    async run(run) {
      const answer = await put(run, `${PREFIX}CREATE`);
      const times = meta(answer, `${PREFIX}CREATE`);
      expectThat(Date.parse(times.createdAt) <= Date.parse(times.updatedAt), 'createdAt ≤ updatedAt', 'updatedAt is before createdAt');
      noStem(run, answer, 'an answer without the value');
    },
  },
  {
    id: 'update',
    title: 'POST /secrets on an existing name updates it, keeping createdAt',
    expected: '201 with the same createdAt and an updatedAt no earlier than before',
    async run(run) {
      const first = meta(await put(run, `${PREFIX}UPDATE`), `${PREFIX}UPDATE`);
      const answer = await put(run, `${PREFIX}UPDATE`);
      const second = meta(answer, `${PREFIX}UPDATE`);
      expectThat(Date.parse(second.createdAt) === Date.parse(first.createdAt), 'createdAt kept by an update', 'a different createdAt after an update');
      expectThat(Date.parse(second.updatedAt) >= Date.parse(first.updatedAt), 'updatedAt no earlier than before', 'an updatedAt earlier than the first write');
      noStem(run, answer, 'an answer without the value');
    },
  },
  {
    id: 'list.shape',
    title: 'GET /secrets lists names with their times and a count',
    expected: '200 {secrets: [{name, createdAt, updatedAt}], count} with count = number of entries, showing what was written',
    async run(run) {
      const written = meta(await put(run, `${PREFIX}LIST`), `${PREFIX}LIST`);
      const { answer, secrets } = await list(run);
      const body = answer.json as Record<string, unknown>;
      expectThat(Number.isInteger(body.count) && body.count === secrets.length, 'count = the number of entries', `count ${Number.isInteger(body.count) ? `${body.count} for ${secrets.length} entries` : typeof body.count}`);
      const bad = secrets.filter((entry) => typeof entry.name !== 'string' || !isTime(entry.createdAt) || !isTime(entry.updatedAt));
      expectThat(bad.length === 0, 'every entry {name, createdAt, updatedAt} with ISO 8601 times', `${bad.length} entries like ${describe({ ...answer, json: bad[0] })}`);
      const entry = secrets.find((candidate) => candidate.name === `${PREFIX}LIST`);
      expectThat(entry !== undefined, `${PREFIX}LIST in the list after POST /secrets`, `no ${PREFIX}LIST among ${secrets.length} entries`);
      expectThat(sameTimes(entry as never, written), 'the times POST /secrets answered', 'other times than POST /secrets answered');
    },
  },
  {
    id: 'list.no-values',
    title: 'GET /secrets never holds a value',
    expected: 'no field named value, and none of the values written, anywhere in the list',
    async run(run) {
      await put(run, `${PREFIX}LIST_VALUE`);
      const { answer } = await list(run);
      expectThat(!hasValueField(answer.json), 'no field named value', 'entries with a value field');
      noStem(run, answer, 'no value in the list');
    },
  },
  {
    id: 'exists',
    title: 'GET /secrets/:name/exists says yes and no',
    expected: '200 {exists: true} for a stored name, 200 {exists: false} for an absent one',
    async run(run) {
      expectStatus(await put(run, `${PREFIX}EXISTS`), 201, 'POST /secrets → 201');
      expectThat(await exists(run, `${PREFIX}EXISTS`), `{exists: true} for ${PREFIX}EXISTS`, '{exists: false} for a stored name');
      expectThat(!(await exists(run, `${PREFIX}ABSENT`)), `{exists: false} for ${PREFIX}ABSENT`, '{exists: true} for a name never written');
    },
  },
  {
    id: 'delete',
    title: 'DELETE /secrets/:name deletes, then 404',
    expected: '204 with an empty body, then exists is false, then 404 for the same DELETE',
    async run(run) {
      const name = `${PREFIX}DELETE`;
      expectStatus(await put(run, name), 201, 'POST /secrets → 201');
      const answer = await run.http.call('DELETE', `/secrets/${name}`);
      expectStatus(answer, 204, `DELETE /secrets/${name} → 204`);
      expectThat(answer.text === '', '204 with an empty body', '204 with a body');
      expectThat(!(await exists(run, name)), `{exists: false} after DELETE`, `{exists: true} after DELETE`);
      expectStatus(await run.http.call('DELETE', `/secrets/${name}`), 404, `DELETE /secrets/${name} again → 404`);
    },
  },
  {
    id: 'bulk',
    title: 'POST /secrets/bulk writes every entry and counts them',
    expected: '201 {created: 1, updated: 1} for one new and one existing name, both then listed',
    async run(run) {
      expectStatus(await put(run, `${PREFIX}BULK_OLD`), 201, 'POST /secrets → 201');
      run.written.add(`${PREFIX}BULK_NEW`);
      const secrets = [`${PREFIX}BULK_OLD`, `${PREFIX}BULK_NEW`].map((name) => ({ name, value: run.value() }));
      const answer = await run.http.call('POST', '/secrets/bulk', { body: { secrets } });
      expectStatus(answer, 201, 'POST /secrets/bulk → 201 {created, updated}');
      const body = answer.json;
      const counts = isObject(body) ? `{created: ${JSON.stringify(body.created)}, updated: ${JSON.stringify(body.updated)}}` : describe(answer);
      expectThat(isObject(body) && body.created === 1 && body.updated === 1, '{created: 1, updated: 1}', isObject(body) && [body.created, body.updated].every((n) => typeof n === 'number') ? counts : describe(answer));
      noStem(run, answer, 'an answer without the values');
      const names = new Set((await list(run)).secrets.map((entry) => entry.name));
      expectThat(names.has(`${PREFIX}BULK_OLD`) && names.has(`${PREFIX}BULK_NEW`), 'both names listed after the bulk write', 'a name of the bulk write missing from the list');
    },
  },
  {
    id: 'bulk.all-or-nothing',
    title: 'a bulk write with invalid entries writes nothing and names each by index',
    expected: '400 {error, entries: [{index: 1, …}, {index: 3, …}]}, and neither valid entry written',
    async run(run) {
      const kept = meta(await put(run, `${PREFIX}KEEP`), `${PREFIX}KEEP`);
      run.written.add(`${PREFIX}HALF`);
      const secrets = [
        { name: `${PREFIX}KEEP`, value: run.value() },
        { name: `1${PREFIX}${run.stem}`, value: run.value() },
        { name: `${PREFIX}HALF`, value: run.value() },
        { name: `${PREFIX}EMPTY`, value: '' },
      ];
      const answer = await run.http.call('POST', '/secrets/bulk', { body: { secrets } });
      expectStatus(answer, 400, 'POST /secrets/bulk with 2 invalid entries of 4 → 400');
      const entries = isObject(answer.json) && Array.isArray(answer.json.entries) ? answer.json.entries : undefined;
      const indexes = entries?.map((entry) => (isObject(entry) && Number.isInteger(entry.index) ? entry.index : '?'));
      expectThat(indexes !== undefined && [...indexes].sort().join() === '1,3', 'entries listing indexes 1 and 3', indexes ? `entries listing indexes ${indexes.join(', ') || 'none'}` : `400 ${describe(answer).slice(4)} without entries`);
      const { secrets: after } = await list(run);
      const keep = after.find((entry) => entry.name === `${PREFIX}KEEP`);
      expectThat(!after.some((entry) => entry.name === `${PREFIX}HALF`), 'nothing written: the valid new entry absent', `${PREFIX}HALF written by a refused bulk request`);
      expectThat(keep !== undefined && sameTimes(keep as never, kept), 'nothing written: the valid update not applied', `${PREFIX}KEEP changed by a refused bulk request`);
    },
  },
];
