// The values route: the one route that returns values, only to an approved service token and only
// for the names its grant covers. With an admin token the suite makes a service token of its own,
// has it ask for a PX_CHECK_ name, grants it, reads it, and revokes the token at the end.
import { CheckFailed, describe, isObject, type Answer } from './exchange.js';
import { expectStatus, expectThat, PREFIX, put, type Check } from './checks.js';

const VALUE_NAME = `${PREFIX}VALUES`;
const OTHER_NAME = `${PREFIX}VALUES_OTHER`;

/** The id of a token or access request in a 201/200 answer. */
function idOf(answer: Answer, what: string): string {
  const id = isObject(answer.json) ? answer.json.id : undefined;
  if (typeof id !== 'string' && typeof id !== 'number') throw new CheckFailed(`${what} answering {id, …}`, describe(answer));
  return encodeURIComponent(String(id));
}

export const valueChecks: Check[] = [
  {
    id: 'values.refused',
    title: 'no role but service reads values',
    expected: "403 for POST /secrets/values with this run's token (not a service token)",
    async run(run) {
      await put(run, VALUE_NAME);
      const answer = await run.http.call('POST', '/secrets/values', { body: { names: [VALUE_NAME] } });
      expectStatus(answer, 403, 'POST /secrets/values with a reader/writer/admin token → 403');
      expectThat(!run.holdsSent(answer.text), 'no value in the refusal', '403 whose body holds the value');
    },
  },
  {
    id: 'values.service',
    title: 'an approved service token reads the values granted to it, and only those',
    expected:
      '403 before approval; after approval and a granted access request: 200 {values: {NAME: value}} with the value written; 403 naming a name not granted',
    async run(run) {
      const tokens = await run.http.call('GET', '/tokens');
      if (tokens.status === 401 || tokens.status === 403 || tokens.status === 404) {
        return `needs an admin token, to make a service token for the check (GET /tokens answered ${tokens.status})`;
      }
      expectStatus(tokens, 200, 'GET /tokens with an admin token → 200 {tokens}');
      const value = run.value();
      expectStatus(await put(run, VALUE_NAME, value), 201, 'POST /secrets → 201');
      expectStatus(await put(run, OTHER_NAME), 201, 'POST /secrets → 201');
      const created = await run.http.call('POST', '/tokens', { body: { role: 'service', name: `px endpoint check ${run.stem.slice(0, 6)}` } });
      expectStatus(created, 201, 'POST /tokens {role: service} → 201 {id, token}');
      const id = idOf(created, 'POST /tokens');
      run.tokens.add(id);
      const service = isObject(created.json) && typeof created.json.token === 'string' ? created.json.token : '';
      expectThat(service !== '', 'POST /tokens answering {id, token}', describe(created));
      run.sent(service);
      const read = (names: string[]) => run.http.call('POST', '/secrets/values', { token: service, body: { names } });

      expectStatus(await read([VALUE_NAME]), 403, 'POST /secrets/values with a service token not approved yet → 403');
      expectStatus(await run.http.call('POST', `/tokens/${id}/approve`), 200, 'POST /tokens/:id/approve → 200');
      const asked = await run.http.call('POST', '/access-requests', { token: service, body: { names: [VALUE_NAME] } });
      expectStatus(asked, 201, 'POST /access-requests {names} with the service token → 201 {id}');
      expectStatus(await run.http.call('POST', `/access-requests/${idOf(asked, 'POST /access-requests')}/approve`), 200, 'POST /access-requests/:id/approve → 200');

      const granted = await read([VALUE_NAME]);
      expectStatus(granted, 200, 'POST /secrets/values for a granted name → 200 {values}');
      const values = isObject(granted.json) && isObject(granted.json.values) ? granted.json.values : undefined;
      expectThat(values !== undefined, '200 {values: {NAME: value}}', describe(granted));
      const names = Object.keys(values!);
      expectThat(names.length === 1 && names[0] === VALUE_NAME, `values holding ${VALUE_NAME} only`, `values holding ${names.length} names`);
      expectThat(values![VALUE_NAME] === value, 'the value written', typeof values![VALUE_NAME] === 'string' ? 'another value' : typeof values![VALUE_NAME]);

      const mixed = await read([VALUE_NAME, OTHER_NAME]);
      expectStatus(mixed, 403, 'POST /secrets/values with a name not granted → 403');
      const error = isObject(mixed.json) && typeof mixed.json.error === 'string' ? mixed.json.error : '';
      expectThat(error.includes(OTHER_NAME), `403 naming ${OTHER_NAME}`, '403 not naming the name refused');
      expectThat(!run.holdsSent(mixed.text), 'no value in the refusal', '403 whose body holds a value');
    },
  },
];
