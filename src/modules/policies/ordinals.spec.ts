import { DomainError } from '@/common/errors/domain-error';
import { assignOrdinals } from './ordinals';

describe('assignOrdinals', () => {
  it('numbers omitted ordinals from 1, then after the highest in use', () => {
    expect(assignOrdinals([undefined, undefined], [])).toEqual([1, 2]);
    expect(assignOrdinals([undefined], [1, 7, 3])).toEqual([8]);
    expect(assignOrdinals([undefined, 5, undefined], [2])).toEqual([6, 5, 7]);
  });

  it('refuses an ordinal in use or given twice, naming the field', () => {
    expect(() => assignOrdinals([3], [3])).toThrow(DomainError);
    try {
      assignOrdinals([1, 1], []);
    } catch (error) {
      expect((error as DomainError).code).toBe('conflict');
      expect((error as DomainError).details).toEqual({ fields: { 'rules[1].ordinal': expect.any(Array) }, ordinal: 1 });
    }
    expect.assertions(3);
  });
});
