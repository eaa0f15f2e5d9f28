// px never sends a token or value over plain http:// to a host that is not loopback, unless
// --insecure: proven with an injected connector that records every connection px would make.
import type { ClientRequest, RequestOptions } from 'node:http';
import { Agent } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EndpointClient, type Transport } from '../../src/core/endpoint-client.js';
import { runPx } from '../helpers/px-session.js';
import { canary, tempProject, type TempProject } from '../helpers/project.js';

/** A connector that never touches the network: it records the URL and fails the request. */
function recordingTransport(): Transport & { urls: string[] } {
  const urls: string[] = [];
  return {
    urls,
    agent: new Agent(),
    request: (url: URL, _options: RequestOptions): ClientRequest => {
      urls.push(url.href);
      throw Object.assign(new Error('test connector: no network'), { code: 'ECONNREFUSED' });
    },
  };
}

let project: TempProject;
beforeEach(() => {
  project = tempProject();
});
afterEach(() => project.cleanup());

describe('plain http:// off loopback', () => {
  it.each(['http://10.1.2.3:8787', 'http://secrets.example.com', 'http://127.example.com', 'http://[2001:db8::1]:8787'])(
    'the client refuses %s before any connection (exit 2, says https)',
    async (url) => {
      const transport = recordingTransport();
      expect(() => new EndpointClient({ url, token: 'tok', timeoutSeconds: 1, transport })).toThrow(/over plain http:\/\/: use an https:\/\/ URL/);
      expect(transport.urls).toEqual([]);
    },
  );

  it('px secret create/list/import refuse with exit 2 and connect nowhere; --insecure lets them try', async () => {
    const transport = recordingTransport();
    const env = { ...project.env, PX_URL: 'http://10.1.2.3:8787', PX_TOKEN: `tok-${canary(1)}` };
    const options = { cwd: project.root, env, transport: () => transport };
    for (const [args, stdin] of [[['secret', 'create', 'NAME'], canary(2)], [['secret', 'list'], undefined], [['secret', 'import', '-', '--yes'], `A=${canary(3)}\n`]] as const) {
      const result = await runPx([...args], { ...options, stdin });
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(/Refusing to send a token or value to 10\.1\.2\.3:8787 over plain http:\/\/: use an https:\/\/ URL/);
      expect(result.stderr + result.stdout).not.toContain('canary');
    }
    expect(transport.urls).toEqual([]);
    // The control: with --insecure the same command reaches the connector (which refuses).
    const insecure = await runPx(['secret', 'list', '--insecure'], options);
    expect(insecure.code).toBe(3);
    expect(transport.urls).toEqual(['http://10.1.2.3:8787/secrets']);
  });

  it('loopback http:// and any https:// are allowed', () => {
    for (const url of ['http://127.0.0.1:8787', 'http://localhost:1', 'http://[::1]:2', 'https://secrets.example.com']) {
      expect(() => new EndpointClient({ url, token: 'tok', timeoutSeconds: 1, transport: recordingTransport() })).not.toThrow();
    }
  });
});
