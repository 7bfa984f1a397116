import { IsString } from 'class-validator';
import { DomainError } from '@/common/errors/domain-error';
import { createValidationPipe } from './validation';

class NamedDto {
  @IsString()
  name!: string;
}

describe('the global validation pipe', () => {
  const pipe = createValidationPipe();

  it('answers at once, without a promise, a value it has nothing to validate (a route whose own pipe checks it)', () => {
    const body = { principal: { type: 'User', id: 'a' } };
    expect(pipe.transform(body, { type: 'body', metatype: Object })).toBe(body);
    expect(pipe.transform(body, { type: 'body' })).toBe(body);
    expect(pipe.transform('x', { type: 'custom', metatype: String })).toBe('x');
  });

  it('validates a DTO (a promise), refusing unknown fields and a body that is not an object', async () => {
    await expect(pipe.transform({ name: 'n' }, { type: 'body', metatype: NamedDto })).resolves.toBeInstanceOf(NamedDto);
    await expect(pipe.transform({ name: 'n', extra: 1 }, { type: 'body', metatype: NamedDto })).rejects.toBeInstanceOf(DomainError);
    await expect(pipe.transform([], { type: 'body', metatype: NamedDto })).rejects.toMatchObject({ details: { fields: { body: ['must be a JSON object'] } } });
  });
});
