import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import { fetchBuiltDocument, OpenApiDocument, operationsOf } from './support/built-document';
import { clientProgram, typeCheck } from './support/openapi-client-program';

/** Generates the client types and the program calling every operation into `dir`; returns the type errors. */
async function generateAndCheck(document: OpenApiDocument, dir: string): Promise<string[]> {
  const schema = astToString(await openapiTS(document as unknown as Parameters<typeof openapiTS>[0], { emptyObjectsUnknown: true }));
  writeFileSync(join(dir, 'schema.ts'), schema);
  writeFileSync(join(dir, 'client.ts'), clientProgram(document));
  return typeCheck([join(dir, 'schema.ts'), join(dir, 'client.ts')]);
}

/** The operation ids on the program lines that do not type-check. */
const failing = (errors: string[]): string[] => [...new Set(errors.map((e) => /\/\/ (\w+) =>/.exec(e)?.[1] ?? e))].sort();

/**
 * A TypeScript client generated from /openapi.json with openapi-typescript, and a program that calls every
 * operation through it, type-check against the response classes the controllers return: the test fails when the
 * document drifts from the code (an operation without a response schema, a field missing or mistyped, a status
 * other than the route's @HttpCode).
 */
describe('a TypeScript client generated from the OpenAPI document', () => {
  let document: OpenApiDocument;
  let dir: string;

  beforeAll(async () => {
    document = await fetchBuiltDocument();
    dir = mkdtempSync(join(tmpdir(), 'openapi-client-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('type-checks a program that calls every operation', async () => {
    const extendAccepted = 1;
    expect(clientProgram(document).match(/\/\/ \w+$/gm)).toHaveLength(operationsOf(document).length + extendAccepted);
    expect(await generateAndCheck(document, dir)).toEqual([]);
  }, 180_000);

  it('fails when the document drifts from the code', async () => {
    const drifted = structuredClone(document);
    const grant = drifted.components.schemas.GrantResponse;
    delete grant?.properties?.expires_at;
    grant!.required = grant?.required?.filter((name) => name !== 'expires_at');
    delete drifted.paths['/v1/policies/{policyId}']?.get?.responses['200']?.content;
    const cancel = drifted.paths['/v1/grants/{id}/cancel']?.post?.responses;
    if (cancel?.['200']) [cancel['201'], cancel['200']] = [cancel['200'], undefined as never];
    const errors = await generateAndCheck(JSON.parse(JSON.stringify(drifted)) as OpenApiDocument, dir);
    expect(failing(errors)).toEqual(
      expect.arrayContaining(['GrantsController_cancel', 'GrantsController_create', 'GrantsController_list', 'PoliciesController_get', 'ApprovalsController_decide']),
    );
    expect(failing(errors)).not.toContain('TenantsController_get');
  }, 180_000);
});
