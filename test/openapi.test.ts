import { fetchBuiltDocument, OpenApiDocument, operationsOf } from './support/built-document';

const ERROR_SCHEMA = '#/components/schemas/ErrorResponse';

/**
 * The Cloudflare Access API (`/client/v4`) answers as Cloudflare does, so that Cloudflare's SDK and Terraform
 * provider work against it (README "Cloudflare Access API"): successes in Cloudflare's envelope (`<Name>Envelope`
 * schemas, `result` being the resource), errors in its error envelope rather than our error shape, and a path's
 * `{account_id}` that is not the credential's tenant is `403 tenant_mismatch`, never `404`.
 */
const isCloudflare = (path: string): boolean => path.startsWith('/client/v4/');
const CLOUDFLARE_ERROR_SCHEMA = '#/components/schemas/CloudflareErrorEnvelope';
const successSchema = (path: string): RegExp => (isCloudflare(path) ? /^#\/components\/schemas\/\w+Envelope$/ : /^#\/components\/schemas\/\w+Response$/);
/** The path parameters that name something which may not exist (so `404`). */
const lookups = (path: string): string[] => [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => name as string).filter((name) => !(isCloudflare(path) && name === 'account_id'));

/**
 * Answers that are not JSON, by operation: their success content is text, and their 4xx (the approval pages)
 * are HTML pages for a person in a browser rather than the error shape. Everything else answers JSON.
 */
const TEXT_ANSWERS: Record<string, { success: string[]; htmlErrors?: boolean }> = {
  // The approver's personal link renders HTML pages, errors included (README "Approval pages").
  ApprovalPageController_show: { success: ['text/html'], htmlErrors: true },
  ApprovalPageController_submit: { success: ['text/html'], htmlErrors: true },
  ApprovalPageController_callback: { success: [], htmlErrors: true },
  // A stream of events, not one JSON document.
  AuditController_export: { success: ['application/x-ndjson; charset=utf-8', 'text/csv; charset=utf-8; header=present'] },
  // Prometheus' text format.
  MetricsController_metrics: { success: ['text/plain; version=0.0.4; charset=utf-8'] },
};

// The Swagger plugin runs in the build (scripts/build.js), not under Jest: the built application's document counts.
describe('OpenAPI document of the built application', () => {
  let spec: OpenApiDocument;
  // Component schemas are JSON whose shape the assertions check field by field.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let schemas: Record<string, any>;
  beforeAll(async () => {
    spec = await fetchBuiltDocument();
    schemas = spec.components.schemas;
  });

  it('describes request bodies from the DTOs', () => {
    const role = schemas.CreateApiKeyDto.properties.role;
    expect(role.enum).toEqual(['admin', 'requester', 'approver', 'auditor', 'checker']);
    expect(schemas.CreateApiKeyDto.required).toEqual(expect.arrayContaining(['name', 'role']));
    for (const name of ['CreateGrantDto', 'SimulateDto', 'CheckAccessDto']) {
      expect(schemas[name].required).toEqual(expect.arrayContaining(['action', 'resource']));
      const principal = schemas[name].properties.principal;
      expect(principal.$ref ?? principal.allOf?.[0]?.$ref).toBe('#/components/schemas/EntityUidDto');
    }
    // A person's token requests for themselves: the principal is theirs unless named (PRODUCT.md section 16).
    expect(schemas.CreateGrantDto.required).not.toContain('principal');
    expect(schemas.SimulateDto.required).toContain('principal');
    expect(schemas.UpdatePolicyDto.required ?? []).toEqual([]);
    expect(Object.keys(schemas.UpdatePolicyDto.properties)).toEqual(Object.keys(schemas.CreatePolicyDto.properties));
  });

  it('gives every operation a one-line summary', () => {
    const operations = operationsOf(spec);
    expect(operations.length).toBeGreaterThanOrEqual(51);
    for (const { operation } of operations) {
      expect({ id: operation.operationId, summary: operation.summary }).toEqual({ id: operation.operationId, summary: expect.stringMatching(/^[^\n]{8,120}$/) });
    }
  });

  it('documents a success response with a schema for every operation (204 without a body, text answers listed)', () => {
    for (const { path, operation } of operationsOf(spec)) {
      const id = operation.operationId;
      const successes = Object.entries(operation.responses).filter(([status]) => /^[23]\d\d$/.test(status));
      expect({ id, documented: successes.length > 0 }).toEqual({ id, documented: true });
      for (const [status, response] of successes) {
        // A redirect (the sign-in steps of the approval pages) has a Location header and no body.
        if (status.startsWith('3')) continue;
        if (status === '204') {
          expect({ id, content: response.content }).toEqual({ id, content: undefined });
          continue;
        }
        const text = TEXT_ANSWERS[id];
        if (text) {
          expect({ id, media: Object.keys(response.content ?? {}) }).toEqual({ id, media: text.success });
          for (const media of text.success) expect(response.content?.[media]?.schema?.type).toBe('string');
          continue;
        }
        const ref = response.content?.['application/json']?.schema?.$ref;
        expect({ id, status, ref }).toEqual({ id, status, ref: expect.stringMatching(successSchema(path)) });
        expect(schemas[ref!.split('/').pop()!]).toBeDefined();
      }
    }
  });

  it('documents 4xx responses with the one error shape', () => {
    expect(schemas.ErrorResponse.required).toEqual(['code', 'message']);
    expect(Object.keys(schemas.ErrorResponse.properties).sort()).toEqual(['code', 'details', 'message', 'notices']);
    expect(schemas.ErrorResponse.properties.details.$ref).toBe('#/components/schemas/ErrorDetailsResponse');
    expect(schemas.ErrorDetailsResponse.properties.fields.additionalProperties).toEqual({ type: 'array', items: { type: 'string' } });
    expect(schemas.CloudflareErrorEnvelope.required.sort()).toEqual(['errors', 'messages', 'result', 'success']);
    expect(schemas.CloudflareErrorEnvelope.properties.success.enum).toEqual([false]);
    for (const { path, operation } of operationsOf(spec)) {
      const id = operation.operationId;
      const errors = Object.entries(operation.responses).filter(([status]) => /^[45]\d\d$/.test(status));
      const statuses = errors.map(([status]) => status);
      // Every route but the probes and the scrape is rate limited (README "Rate limits").
      if (!path.startsWith('/health/') && path !== '/metrics') expect({ id, statuses }).toEqual({ id, statuses: expect.arrayContaining(['429']) });
      if (operation.security) expect({ id, statuses }).toEqual({ id, statuses: expect.arrayContaining(['401', '403']) });
      if (lookups(path).length > 0) expect({ id, statuses }).toEqual({ id, statuses: expect.arrayContaining(['404']) });
      for (const [status, response] of errors) {
        const html = TEXT_ANSWERS[id]?.htmlErrors && status !== '429';
        const media = html ? 'text/html' : 'application/json';
        const schema = response.content?.[media]?.schema;
        const json = { $ref: isCloudflare(path) ? CLOUDFLARE_ERROR_SCHEMA : ERROR_SCHEMA };
        expect({ id, status, schema }).toEqual({ id, status, schema: html ? { type: 'string' } : json });
      }
    }
  });
});
