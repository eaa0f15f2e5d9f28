// Checks of the rules every route keeps: name and value rules (400), body limits (413), and, run
// last over every answer the suite got, errors as {"error"} that never repeat what was sent.
import { CheckFailed, describe, isObject, shownPath, type Answer } from './exchange.js';
import { expectStatus, expectThat, PREFIX, put, type Check, type RunContext } from './checks.js';

export interface Limits {
  /** Bodies over this many bytes get 413. */
  bodyBytes: number;
  /** Bulk writes of more entries than this get 413. */
  bulkEntries: number;
}

const MIB = 1024 * 1024;
const bytes = (n: number): string => (n % MIB === 0 ? `${n / MIB} MiB` : `${n} bytes`);

async function absent(run: RunContext, name: string, after: string): Promise<void> {
  const answer = await run.http.call('GET', `/secrets/${name}/exists`);
  expectStatus(answer, 200, `GET /secrets/${name}/exists → 200 {exists}`);
  expectThat(isObject(answer.json) && answer.json.exists === false, `nothing written by ${after}`, `${name} written by ${after}`);
}

export const ruleChecks = (limits: Limits): Check[] => [
  {
    id: 'names',
    title: 'names that break the rules are refused with 400',
    expected: '400 for a name starting with a digit, with a dash, of 257 characters, or empty, in a body and in a path; 201 for 256 characters',
    async run(run) {
      const bad = [`1${PREFIX}${run.stem}`, `PX-CHECK-${run.stem}`, `${PREFIX}${'X'.repeat(248)}`, ''];
      const what = ['starting with a digit', 'with a dash', 'of 257 characters', 'empty'];
      for (const [i, name] of bad.entries()) {
        expectStatus(await run.http.call('POST', '/secrets', { body: { name, value: run.value() } }), 400, `POST /secrets with a name ${what[i]} → 400`);
      }
      const path = encodeURIComponent(bad[1]);
      expectStatus(await run.http.call('GET', `/secrets/${path}/exists`), 400, 'GET /secrets/:name/exists with an invalid name → 400');
      expectStatus(await run.http.call('DELETE', `/secrets/${path}`), 400, 'DELETE /secrets/:name with an invalid name → 400');
      const longest = `${PREFIX}${'L'.repeat(256 - PREFIX.length)}`;
      expectStatus(await put(run, longest), 201, 'POST /secrets with a name of 256 characters → 201');
    },
  },
  {
    id: 'values',
    title: 'values that break the rules are refused with 400',
    expected: '400 for an empty value, a value holding NUL, and a value over 64 KiB; nothing written',
    async run(run) {
      const name = `${PREFIX}BAD_VALUE`;
      const cases: Array<[string, string]> = [
        ['', 'an empty value'],
        [`${run.value()}\u0000`, 'a value holding NUL'],
        [run.value().padEnd(64 * 1024 + 1, 'x'), 'a value of 64 KiB + 1 byte'],
      ];
      for (const [value, what] of cases) {
        run.written.add(name);
        expectStatus(await run.http.call('POST', '/secrets', { body: { name, value } }), 400, `POST /secrets with ${what} → 400`);
      }
      await absent(run, name, 'refused values');
    },
  },
  {
    id: 'limits.body',
    title: `a body over ${bytes(limits.bodyBytes)} is refused with 413`,
    expected: `413 for POST /secrets with a body of ${bytes(limits.bodyBytes)} + 1 KiB; nothing written`,
    async run(run) {
      const name = `${PREFIX}BIG`;
      run.written.add(name);
      const head = `{"name":"${name}","value":"`;
      const raw = `${head}${run.value().padEnd(limits.bodyBytes + 1024 - head.length - 2, 'x')}"}`;
      expectStatus(await run.http.call('POST', '/secrets', { raw }), 413, `POST /secrets with ${bytes(limits.bodyBytes)} + 1 KiB → 413`);
      await absent(run, name, 'a refused body');
    },
  },
  {
    id: 'limits.bulk',
    title: `a bulk write of more than ${limits.bulkEntries.toLocaleString('en-US')} entries is refused with 413`,
    expected: `413 for POST /secrets/bulk with ${(limits.bulkEntries + 1).toLocaleString('en-US')} entries; nothing written`,
    async run(run) {
      const secrets = Array.from({ length: limits.bulkEntries + 1 }, (_, i) => ({ name: `${PREFIX}MANY_${i}`, value: run.value() }));
      for (const { name } of secrets) run.written.add(name);
      expectStatus(await run.http.call('POST', '/secrets/bulk', { body: { secrets } }), 413, `POST /secrets/bulk with ${secrets.length} entries → 413`);
      await absent(run, `${PREFIX}MANY_0`, 'a refused bulk write');
    },
  },
];

const offender = (answer: Answer, why: string): string => `${answer.method} ${shownPath(answer.path)} → ${answer.status} ${why}`;

/** Run last: they look at every answer of the run. */
export const errorChecks: Check[] = [
  {
    id: 'errors.shape',
    title: 'every error is JSON {"error": "…"}',
    expected: 'each 4xx/5xx answer of this run: content-type application/json and a body {error: non-empty string}',
    async run(run) {
      const errors = run.http.answers.filter((answer) => answer.status >= 400);
      expectThat(errors.length > 0, 'error answers to look at', 'no error answer in the whole run');
      const bad = errors.filter((answer) => !/^application\/json\b/i.test(answer.contentType) || !isObject(answer.json) || typeof answer.json.error !== 'string' || answer.json.error === '');
      if (bad.length > 0) {
        const first = bad[0];
        const why = /^application\/json\b/i.test(first.contentType) ? describe(first).slice(4) : `with content-type ${first.contentType.replace(/[^\w/.+;= -]/g, '') || 'none'}`;
        throw new CheckFailed(`{"error": "…"} on all ${errors.length} error answers`, `${bad.length} not, e.g. ${offender(first, why)}`);
      }
    },
  },
  {
    id: 'errors.no-value',
    title: 'no error repeats a value, a token, or an invalid name sent',
    expected: 'none of the values, wrong tokens and invalid names this run sent in any 4xx/5xx answer',
    async run(run) {
      const errors = run.http.answers.filter((answer) => answer.status >= 400);
      const echoes = errors.filter((answer) => run.holdsSent(answer.text));
      if (echoes.length > 0) throw new CheckFailed(`no error holding what was sent (${errors.length} errors)`, `${echoes.length} did, e.g. ${offender(echoes[0], 'repeats what was sent')}`);
    },
  },
];
