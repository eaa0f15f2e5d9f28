// Every answer a TestDevServer gives in any test is checked against docs/openapi.yaml; a test
// whose server said something the document does not allow fails with what was wrong.
import { afterEach } from 'vitest';
import { TestDevServer } from '../../src/server/test-dev-server.js';
import { responseProblems } from '../helpers/openapi.js';

const problems: string[] = [];
TestDevServer.observers.add((exchange) => problems.push(...responseProblems(exchange)));

afterEach(() => {
  if (problems.length === 0) return;
  const found = problems.splice(0);
  throw new Error(`the endpoint answered against docs/openapi.yaml:\n${[...new Set(found)].slice(0, 20).join('\n')}`);
});
