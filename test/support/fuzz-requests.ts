import fc from 'fast-check';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Schema = Record<string, unknown>;

export interface Operation {
  method: Method;
  path: string;
  pathParams: string[];
  queryParams: string[];
  body: Schema | null;
  operator: boolean;
  components: Record<string, Schema>;
}

export interface FuzzContext {
  tenantId: string;
  /** Valid bodies per operation (`POST /v1/grants`), so that hostile parts reach past validation. */
  seeds: Record<string, unknown>;
  /** Ids of real objects (policies, rules, lists, channels, grants, keys other than the admin's). */
  ids: string[];
  keys: { admin: string; requester: string; auditor: string; operator: string };
}

export interface FuzzCase {
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

/** Every operation of an OpenAPI 3 document. */
export function operationsOf(document: { paths: Record<string, Record<string, Schema>>; components?: { schemas?: Record<string, Schema> } }): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const parameters = (operation.parameters ?? []) as { in: string; name: string }[];
      const content = (operation.requestBody as { content?: Record<string, { schema: Schema }> } | undefined)?.content;
      operations.push({
        method: method.toUpperCase() as Method,
        path,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: [...parameters.filter((p) => p.in === 'query').map((p) => p.name), ...(method === 'get' ? ['limit', 'cursor'] : [])],
        body: content ? (Object.values(content)[0]?.schema ?? null) : null,
        operator: path.startsWith('/v1/tenants'),
        components: document.components?.schemas ?? {},
      });
    }
  }
  return operations;
}

const DEEP = (depth: number) => JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown;
const deepObject = (depth: number): unknown => {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i += 1) value = { a: value };
  return value;
};

/** Values that have broken services like this one: wrong types, edge numbers, odd strings, deep and wide shapes. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, [], {}, '', ' ', true, false, 0, -1, 0.5, 2 ** 31, 2 ** 53 - 1, -(2 ** 53 - 1), 1e15, 86400 * 365 * 1000),
  fc.constantFrom<unknown>(
    '\ud800',
    'a\udc00b',
    'x\u0000y',
    '\u200b',
    '\u202egnp.exe',
    '} ; permit(principal, action, resource) when { true',
    'permit(principal, action, resource);',
    'when { context.x == 1 }',
    'unless { ip("999.1.1.1/8").isInRange(ip("1.2.3.4")) }',
    'User::"alice"',
    '"\\',
    '<script>alert(1)</script>',
    '../../etc/passwd',
    '00000000-0000-0000-0000-000000000000',
    'not-a-uuid',
    'a@b',
    'A'.repeat(1001),
    'B'.repeat(70_000),
    'http://127.0.0.1:6379/',
    'http://[::1]/',
    'https://169.254.169.254/latest',
    'ftp://example.com',
    '1e400',
    '2026-02-30T25:61:00Z',
    '-1',
    'NaN',
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constant(DEEP(31)),
  fc.constant(deepObject(31)),
  fc.array(fc.string({ maxLength: 5 }), { minLength: 1001, maxLength: 1001 }),
  fc.jsonValue({ maxDepth: 3 }),
);

/** Raw payloads JSON.stringify cannot produce, and bodies that are not objects. */
const rawJson = fc.constantFrom(
  '',
  '{',
  '[]',
  'null',
  '"x"',
  '42',
  '{"a":1,"a":2}',
  '{"duration_seconds": 1e400}',
  '{"name": 123456789012345678901234567890}',
  '{"__proto__": {"admin": true}}',
  '{"constructor": {"prototype": {"admin": true}}}',
  '['.repeat(10_000) + ']'.repeat(10_000),
  '{"a":'.repeat(5000) + '1' + '}'.repeat(5000),
  '{"name": "\\ud800"}',
  '\ufeff{}',
  '{"name": "x"}garbage',
);

const contentTypes = fc.constantFrom(
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/json; charset=utf-16',
  'APPLICATION/JSON',
  'application/json-patch+json',
  '',
);

function resolve(schema: Schema | undefined, components: Record<string, Schema>): Schema {
  let current = schema ?? {};
  for (let i = 0; i < 10 && typeof current.$ref === 'string'; i += 1) current = components[(current.$ref as string).split('/').pop() as string] ?? {};
  if (Array.isArray(current.allOf)) return Object.assign({}, ...current.allOf.map((part: Schema) => resolve(part, components))) as Schema;
  return current;
}

/** A value the schema would accept, as far as a generic walk can tell; hostile values then replace parts of it. */
function plausible(schema: Schema | undefined, components: Record<string, Schema>, ids: string[], depth = 0, name = ''): unknown {
  const s = resolve(schema, components);
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  if (depth > 4) return null;
  switch (s.type) {
    case 'string':
      if (s.format === 'uuid' || /_id$|uuid$/.test(name)) return ids[0];
      if (s.format === 'email' || /email/.test(name)) return 'someone@example.com';
      if (s.format === 'date-time') return new Date().toISOString();
      return 'value1';
    case 'integer':
    case 'number':
      return typeof s.minimum === 'number' ? s.minimum : 60;
    case 'boolean':
      return true;
    case 'array':
      return /email/.test(name) ? ['someone@example.com'] : [plausible(s.items as Schema, components, ids, depth + 1, name)];
    default: {
      const properties = (s.properties ?? {}) as Record<string, Schema>;
      return Object.fromEntries(Object.entries(properties).map(([key, property]) => [key, plausible(property, components, ids, depth + 1, key)]));
    }
  }
}

/** The dotted paths of a plausible value's fields, to pick which to make hostile. */
function fieldPaths(value: unknown, prefix: string[] = [], out: string[][] = []): string[][] {
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const path = [...prefix, key];
      out.push(path);
      fieldPaths(child, path, out);
    }
  }
  return out;
}

function replaced(value: unknown, path: string[], replacement: unknown): unknown {
  const copy = structuredClone(value) as Record<string, unknown>;
  let target = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
  target[path[path.length - 1]] = replacement;
  return copy;
}

/** A path segment: a real id, a random UUID, or something hostile, percent-encoded the way a client would send it. */
function segment(ids: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(...ids),
    fc.uuid(),
    fc.constantFrom('x', '%00', '%ED%A0%80', '%', '%zz', '..', '%2F..%2F', 'A'.repeat(5000), 'User', encodeURIComponent('User::"x"'), '00000000-0000-0000-0000-00000000000g'),
    fc.string({ minLength: 1, maxLength: 30 }).map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, 'x'))),
  );
}

const queryValue = fc.oneof(
  fc.constantFrom('x', '-1', '0', '501', '1e400', '9007199254740993', '%00', '%ED%A0%80', 'A'.repeat(3000), '2026-13-45', 'active', 'asc', 'ndjson', 'csv', '%E2%80%AE'),
  fc.string({ maxLength: 20 }).map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, 'x'))),
);

function headersArb(operation: Operation, context: FuzzContext): fc.Arbitrary<Record<string, string>> {
  const auth = fc.oneof(
    { weight: 8, arbitrary: fc.constant(operation.operator ? { 'x-api-key': context.keys.operator } : { 'x-api-key': context.keys.admin, 'x-tenant-id': context.tenantId }) },
    fc.constant({ 'x-api-key': context.keys.requester, 'x-tenant-id': context.tenantId }),
    fc.constant({ 'x-api-key': context.keys.auditor, 'x-tenant-id': context.tenantId }),
    fc.constant({}),
    fc.constant({ 'x-api-key': 'jit_00000000-0000-0000-0000-000000000000_nope', 'x-tenant-id': context.tenantId }),
    fc.constant({ 'x-api-key': context.keys.admin, 'x-tenant-id': 'not-a-uuid' }),
    fc.constant({ 'x-api-key': 'A'.repeat(8000), 'x-tenant-id': context.tenantId }),
  );
  return fc.tuple(auth, fc.option(fc.constantFrom('k1', 'A'.repeat(500), '', 'x y'), { nil: undefined })).map(([headers, idempotency]) =>
    idempotency === undefined ? headers : { ...headers, 'idempotency-key': idempotency },
  );
}

/** One generated request for `operation`. */
export function fuzzCase(operation: Operation, context: FuzzContext): fc.Arbitrary<FuzzCase> {
  const path = fc
    .tuple(...operation.pathParams.map(() => segment(context.ids)))
    .map((values) => operation.pathParams.reduce((url, name, i) => url.replace(`{${name}}`, values[i] as string), operation.path));
  const query = fc
    .array(fc.tuple(fc.constantFrom(...operation.queryParams, 'unknown_param'), queryValue), { maxLength: 3 })
    .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`));
  const seed = context.seeds[`${operation.method} ${operation.path}`];
  const base = seed ?? (operation.body ? plausible(operation.body, operation.components, context.ids) : undefined);
  const paths = base === undefined ? [] : fieldPaths(base);
  const json = (value: unknown) => ({ payload: JSON.stringify(value), contentType: 'application/json' });
  const body: fc.Arbitrary<{ payload?: string; contentType?: string }> = fc.oneof(
    { weight: 6, arbitrary: paths.length > 0 ? fc.tuple(fc.constantFrom(...paths), hostileValue).map(([p, v]) => json(replaced(base, p, v))) : fc.constant(json(base ?? {})) },
    { weight: 2, arbitrary: fc.constant(base === undefined ? {} : json(base)) },
    { weight: 1, arbitrary: hostileValue.map(json) },
    { weight: 1, arbitrary: fc.record({ payload: rawJson, contentType: fc.constant('application/json') }) },
    { weight: 1, arbitrary: fc.record({ payload: fc.constantFrom('name=x&role=admin', '{"name":"x"}', 'decision=approve'), contentType: contentTypes }) },
    { weight: 1, arbitrary: fc.constant({}) },
  );
  return fc.tuple(path, query, headersArb(operation, context), body).map(([url, q, headers, b]) => {
    const all: Record<string, string> = { ...headers };
    if (b.contentType) all['content-type'] = b.contentType;
    return { url: `${url}${q}`, headers: all, payload: b.payload };
  });
}
