import { DomainError } from '@/common/errors/domain-error';
import { CheckAccessPipe } from './check-access.pipe';

const valid = { principal: { type: 'User', id: 'alice' }, action: { type: 'Action', id: 'ssh' }, resource: { type: 'Acme::Host', id: 'db1' } };

function fields(body: unknown): string[] {
  try {
    new CheckAccessPipe().transform(body);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return Object.keys(((error as DomainError).details as { fields: object }).fields).sort();
  }
}

describe('CheckAccessPipe', () => {
  it('passes a well-formed body through', () => {
    expect(new CheckAccessPipe().transform(valid)).toBe(valid);
  });

  it('names each bad field like the DTO validation does', () => {
    expect(fields({ ...valid, principal: { type: 'User' } })).toEqual(['principal.id']);
    expect(fields({ ...valid, action: { type: 'not a type', id: 'x' } })).toEqual(['action.type']);
    expect(fields({ ...valid, resource: 'db1' })).toEqual(['resource']);
    expect(fields({ ...valid, extra: 1 })).toEqual(['extra']);
    expect(fields({ ...valid, principal: { type: 'User', id: 'a', role: 'x' } })).toEqual(['principal.role']);
    expect(fields({ ...valid, principal: { type: 'User', id: '' } })).toEqual(['principal.id']);
    expect(fields([])).toEqual(['body']);
  });
});
