// An endpoint that answers with an error text holding what px just sent, with invisible
// characters between its characters (escape sequences, zero-width and format characters), must
// not get the value (or the token) printed whole: px normalizes the text first, then masks.
import { createServer, type Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EndpointClient } from '../../src/core/endpoint-client.js';
import { exitCodeFor } from '../../src/core/errors.js';
import { visibleText } from '../../src/core/visible-text.js';
import { canary } from '../helpers/project.js';

const VALUE = `${canary(1)}-Secret`;
const TOKEN = 'tok-9d2e51c4b7a8f3e6d1c0';

/** Ways to hide something between each character of `text` from a naive filter. */
const SPLITTERS: Record<string, string> = {
  'SGR reset': '\u001b[0m',
  'cursor move': '\u001b[1C\u001b[1D',
  'OSC title': '\u001b]0;x\u0007',
  'C1 CSI': '\u009b0m',
  'zero-width space': '\u200b',
  'zero-width joiner': '\u200d',
  'word joiner': '\u2060',
  BOM: '\ufeff',
  'soft hyphen': '\u00ad',
  'bidi isolate': '\u2066\u2069',
  'combining grapheme joiner': '\u034f',
  'variation selector': '\ufe0f',
  'NUL and BEL': '\u0000\u0007',
};
const interleave = (text: string, splitter: string): string => [...text].join(splitter);

let server: Server;
let url: string;
let answer: { status: number; error: (request: { body: string; token: string }) => string };

beforeEach(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: answer.error({ body, token }) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function shownError(work: (client: EndpointClient) => Promise<unknown>): Promise<{ message: string; code: number }> {
  const client = new EndpointClient({ url, token: TOKEN, timeoutSeconds: 5 });
  try {
    await work(client);
  } catch (error) {
    return { message: (error as Error).message, code: exitCodeFor(error) };
  } finally {
    await client.close();
  }
  throw new Error('expected a failure');
}

/** The message as any terminal or log would show it: nothing of the value may be readable there. */
function expectHidden(message: string, secret: string): void {
  expect(visibleText(message)).not.toContain(secret);
  expect(message).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2060-\u206f\ufeff]/);
}

describe('endpoint error texts', () => {
  for (const [kind, splitter] of Object.entries(SPLITTERS)) {
    it(`a value split by ${kind}: masked in 400, 413 and 500 answers, for a create and a bulk import`, async () => {
      for (const status of [400, 413, 500]) {
        answer = { status, error: () => `bad value ${interleave(VALUE, splitter)} refused` };
        const single = await shownError((client) => client.put('API_KEY', VALUE));
        expectHidden(single.message, VALUE);
        expect(single.message).toContain('bad value *** refused');
        const bulk = await shownError((client) => client.bulkPut([{ name: 'A', value: 'other-value' }, { name: 'B', value: VALUE }]));
        expectHidden(bulk.message, VALUE);
      }
    });

    it(`the token split by ${kind} in a 401: masked`, async () => {
      answer = { status: 401, error: ({ token }) => `token ${interleave(token, splitter)} is not known` };
      const shown = await shownError((client) => client.list());
      expect(shown.code).toBe(4);
      expectHidden(shown.message, TOKEN);
      expect(shown.message).toContain('token *** is not known');
    });
  }

  it('a multiline value, echoed with its line break changed or one line alone, stays masked', async () => {
    const pem = `-----BEGIN KEY-----\n${canary(2)}AAAA\n-----END KEY-----`;
    for (const echo of [pem, pem.replace(/\n/g, '\r\n'), pem.replace(/\n/g, '\u2028'), `${canary(2)}AAAA`]) {
      answer = { status: 400, error: () => `bad: ${echo}` };
      const shown = await shownError((client) => client.put('PEM', pem));
      expect(visibleText(shown.message)).not.toContain(canary(2));
    }
  });

  it('an ordinary error text still reads as it was sent, on one line', async () => {
    answer = { status: 400, error: () => 'the name is\nnot allowed\there' };
    const shown = await shownError((client) => client.put('API_KEY', VALUE));
    expect(shown.message).toBe(`${url} refused the request (400): the name is not allowed here.`);
  });
});
