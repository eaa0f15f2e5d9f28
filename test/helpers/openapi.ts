// Checks an endpoint's answer against docs/openapi.yaml: the path and method are documented, the
// status is one the operation lists, the body matches its schema (Ajv, JSON Schema 2020-12, as
// OpenAPI 3.1 uses) and required headers are there. Used by every test that talks to a
// TestDevServer (test/setup/openapi-responses.ts), so the document cannot drift from the code.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

export const OPENAPI_FILE = join(import.meta.dirname, '..', '..', 'docs', 'openapi.yaml');

export interface Exchange {
  method: string;
  /** The request path, without the query. */
  path: string;
  status: number;
  headers: { get(name: string): string | null };
  body: string;
}

// biome-ignore lint/suspicious/noExplicitAny: a parsed OpenAPI document, walked field by field
type Json = Record<string, any>;
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

const document: Json = parse(readFileSync(OPENAPI_FILE, 'utf8'));
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
addFormats(ajv);
ajv.addSchema({ ...document, $id: 'openapi' });
const compiled = new Map<string, ValidateFunction>();

/** The path items of the document, most literal first (OpenAPI: concrete paths win over templates). */
const templates = Object.keys(document.paths)
  .map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
    literal: template.split('/').filter((segment) => segment && !segment.startsWith('{')).length,
  }))
  .sort((a, b) => b.literal - a.literal);

const pointer = (path: string[]): string => `#/${path.map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;

function resolve(object: Json, path: string[]): { object: Json; path: string[] } {
  if (typeof object?.$ref !== 'string') return { object, path };
  const refPath = object.$ref.slice(2).split('/').map((part: string) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  return resolve(refPath.reduce((node: Json, key: string) => node[key], document), refPath);
}

function validator(schemaPath: string[]): ValidateFunction {
  const key = pointer(schemaPath);
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile({ $ref: `openapi${key}` });
    compiled.set(key, validate);
  }
  return validate;
}

function checkAgainst(response: Json, responsePath: string[], exchange: Exchange, where: string): string[] {
  const { object, path } = resolve(response, responsePath);
  const problems: string[] = [];
  for (const [header, spec] of Object.entries<Json>(object.headers ?? {})) {
    if (spec.required && exchange.headers.get(header) === null) problems.push(`${where}: header ${header} is missing`);
  }
  const json = object.content?.['application/json'];
  if (!json) {
    if (exchange.body !== '') problems.push(`${where}: the body should be empty`);
    return problems;
  }
  if (!/^application\/json\b/.test(exchange.headers.get('content-type') ?? '')) problems.push(`${where}: content-type is not application/json`);
  let body: unknown;
  try {
    body = JSON.parse(exchange.body);
  } catch {
    return [...problems, `${where}: the body is not JSON`];
  }
  const validate = validator([...path, 'content', 'application/json', 'schema']);
  if (!validate(body)) {
    for (const error of validate.errors ?? []) problems.push(`${where}: body${error.instancePath} ${error.message}`);
  }
  return problems;
}

/** Every way `exchange` breaks the document; empty when it conforms. */
export function responseProblems(exchange: Exchange): string[] {
  const method = exchange.method.toLowerCase();
  const where = `${exchange.method} ${exchange.path} → ${exchange.status}`;
  const matching = templates.filter(({ pattern }) => pattern.test(exchange.path));
  const error: Json = { $ref: '#/components/responses/NotFound' };
  // Authentication comes before routing: any path may answer 401.
  if (exchange.status === 401) return checkAgainst({ $ref: '#/components/responses/Unauthorized' }, [], exchange, where);
  if (matching.length === 0) {
    if (exchange.status !== 404) return [`${where}: the path is not in the document (only 404 may answer it)`];
    return checkAgainst(error, [], exchange, where);
  }
  const withMethod = matching.find(({ template }) => document.paths[template][method]);
  if (!withMethod) {
    if (exchange.status !== 405) return [`${where}: the document has no ${exchange.method} for this path (only 405 may answer it)`];
    const problems = checkAgainst({ $ref: '#/components/responses/MethodNotAllowed' }, [], exchange, where);
    const documented = METHODS.filter((name) => document.paths[matching[0].template][name]).map((name) => name.toUpperCase());
    const allow = (exchange.headers.get('allow') ?? '').split(',').map((name) => name.trim()).filter(Boolean);
    if ([...allow].sort().join() !== [...documented].sort().join()) problems.push(`${where}: Allow is "${allow.join(', ')}", the document says ${documented.join(', ')}`);
    return problems;
  }
  const operationPath = ['paths', withMethod.template, method];
  const responses: Json = document.paths[withMethod.template][method].responses;
  const response = responses[String(exchange.status)];
  if (!response) return [`${where}: status ${exchange.status} is not documented for ${exchange.method} ${withMethod.template}`];
  return checkAgainst(response, [...operationPath, 'responses', String(exchange.status)], exchange, where);
}

/** The document itself, for tests that read it (routes, roles). */
export const openApiDocument = document;
