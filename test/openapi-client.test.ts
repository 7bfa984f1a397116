import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import { fetchBuiltDocument, OpenApiDocument, operationsOf } from './support/built-document';
import { clientProgram, typeCheck } from './support/openapi-client-program';

/** Writes the generated client types (`schema.ts`) and the program calling every operation (`client.ts`) to `dir`. */
async function generate(document: OpenApiDocument, dir: string): Promise<string[]> {
  mkdirSync(dir);
  const schema = astToString(await openapiTS(document as unknown as Parameters<typeof openapiTS>[0], { emptyObjectsUnknown: true }));
  writeFileSync(join(dir, 'schema.ts'), schema);
  writeFileSync(join(dir, 'client.ts'), clientProgram(document));
  return [join(dir, 'schema.ts'), join(dir, 'client.ts')];
}

/** The document with three kinds of drift: a field gone, a response schema gone, a status changed. */
function drift(document: OpenApiDocument): OpenApiDocument {
  const drifted = structuredClone(document);
  const grant = drifted.components.schemas.GrantResponse;
  delete grant?.properties?.expires_at;
  grant!.required = grant?.required?.filter((name) => name !== 'expires_at');
  delete drifted.paths['/v1/policies/{policyId}']?.get?.responses['200']?.content;
  const cancel = drifted.paths['/v1/grants/{id}/cancel']?.post?.responses;
  if (cancel?.['200']) {
    cancel['201'] = cancel['200'];
    delete cancel['200'];
  }
  return drifted;
}

/** The operation ids on the program lines that do not type-check. */
const failing = (errors: string[]): string[] => [...new Set(errors.map((e) => /\/\/ (\w+) =>/.exec(e)?.[1] ?? e))].sort();

/**
 * A TypeScript client generated from /openapi.json with openapi-typescript, and a program that calls every
 * operation through it, type-check against the response classes the controllers return: the test fails when the
 * document drifts from the code (an operation without a response schema, a field missing or mistyped, a status
 * other than the route's @HttpCode). The document as served and a drifted copy are checked in one compilation.
 */
describe('a TypeScript client generated from the OpenAPI document', () => {
  let document: OpenApiDocument;
  let dir: string;
  let errors: { served: string[]; drifted: string[] };

  beforeAll(async () => {
    document = await fetchBuiltDocument();
    dir = mkdtempSync(join(tmpdir(), 'openapi-client-'));
    const files = [...(await generate(document, join(dir, 'served'))), ...(await generate(drift(document), join(dir, 'drifted')))];
    const all = typeCheck(files);
    errors = { served: all.filter((e) => !e.startsWith(join(dir, 'drifted'))), drifted: all.filter((e) => e.startsWith(join(dir, 'drifted'))) };
  }, 240_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('type-checks a program that calls every operation', () => {
    const extendAccepted = 1;
    expect(clientProgram(document).match(/\/\/ \w+$/gm)).toHaveLength(operationsOf(document).length + extendAccepted);
    expect(errors.served).toEqual([]);
  });

  it('fails when the document drifts from the code', () => {
    expect(failing(errors.drifted)).toEqual(
      expect.arrayContaining(['ApprovalsController_decide', 'GrantsController_cancel', 'GrantsController_create', 'GrantsController_list', 'PoliciesController_get']),
    );
    expect(failing(errors.drifted)).not.toContain('TenantsController_get');
  });
});
