import { DomainError } from '@/common/errors/domain-error';
import { createValidationPipe } from '@/common/http/validation';
import { CheckAccessBatchPipe, CheckAccessPipe } from './check-access.pipe';
import { CheckAccessBatchDto, CheckAccessDto } from './dto/check-access.dto';

const valid = { principal: { type: 'User', id: 'alice' }, action: { type: 'Action', id: 'ssh' }, resource: { type: 'Acme::Host', id: 'db1' } };

/** The field names an error names, or [] when the body passes. */
async function refused(run: () => unknown): Promise<string[]> {
  try {
    await run();
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return Object.keys(((error as DomainError).details as { fields: object }).fields).sort();
  }
}

const bodies: unknown[] = [
  valid,
  { ...valid, principal: { type: 'User' } },
  { ...valid, action: { type: 'not a type', id: 'x' } },
  { ...valid, resource: 'db1' },
  { ...valid, extra: 1 },
  { ...valid, principal: { type: 'User', id: 'a', role: 'x' } },
  { ...valid, principal: { type: 'User', id: '' } },
  { ...valid, principal: { type: 'User', id: 'x'.repeat(1001) } },
  { ...valid, principal: { type: 'T'.repeat(201), id: 'x' } },
  { ...valid, resource: { type: 7, id: 7 } },
  { ...valid, action: null },
  { principal: valid.principal },
  {},
];

describe('CheckAccessPipe', () => {
  it('passes a well-formed body through', () => {
    expect(new CheckAccessPipe().transform(valid)).toBe(valid);
  });

  // The hot path does by hand what the class-validator DTO does: the same bodies fail on the same fields.
  it.each(bodies.map((body) => [JSON.stringify(body).slice(0, 80), body]))('names the fields the DTO validation names: %s', async (_name, body) => {
    const byDto = await refused(() => createValidationPipe().transform(body, { type: 'body', metatype: CheckAccessDto }));
    const byPipe = await refused(() => new CheckAccessPipe().transform(body));
    expect(byPipe).toEqual(byDto);
  });

  it('refuses a body that is not an object', async () => {
    expect(await refused(() => new CheckAccessPipe().transform([]))).toEqual(['body']);
  });
});

const batches: unknown[] = [
  { checks: [valid] },
  { checks: [valid, valid] },
  { checks: Array.from({ length: 100 }, () => valid) },
  { checks: Array.from({ length: 101 }, () => valid) },
  { checks: [] },
  { checks: valid },
  { checks: null },
  {},
  { checks: [valid], extra: 1 },
  { checks: [valid, { ...valid, principal: { type: 'User' } }, { ...valid, extra: 1 }] },
  { checks: [valid, 'x'] },
  { checks: [{ ...valid, resource: { type: 7, id: '' } }] },
];

describe('CheckAccessBatchPipe', () => {
  it('passes the triples of a well-formed body through, in order', () => {
    const second = { ...valid, resource: { type: 'Host', id: 'db2' } };
    expect(new CheckAccessBatchPipe().transform({ checks: [valid, second] })).toEqual([valid, second]);
  });

  it.each(batches.map((body) => [JSON.stringify(body).slice(0, 80), body]))('names the fields the DTO validation names: %s', async (_name, body) => {
    const byDto = await refused(() => createValidationPipe().transform(body, { type: 'body', metatype: CheckAccessBatchDto }));
    const byPipe = await refused(() => new CheckAccessBatchPipe().transform(body));
    expect(byPipe).toEqual(byDto);
  });
});
