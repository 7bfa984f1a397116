import { Injectable, PipeTransform } from '@nestjs/common';
import { DomainError, invalidInput } from '@/common/errors/domain-error';
import { createValidationPipe } from '@/common/http/validation';
import { EntityBatchDto, UpsertEntityDto } from './dto/upsert-entity.dto';

/** Validates the bare-array body like any DTO body; field names read `[0].uid.type`. */
@Injectable()
export class EntityBatchPipe implements PipeTransform<unknown, Promise<UpsertEntityDto[]>> {
  private readonly validation = createValidationPipe();

  async transform(value: unknown): Promise<UpsertEntityDto[]> {
    if (!Array.isArray(value)) throw invalidInput('The body must be an array of entities', { field: 'body' });
    try {
      const batch = (await this.validation.transform({ entities: value }, { type: 'body', metatype: EntityBatchDto })) as EntityBatchDto;
      return batch.entities;
    } catch (error) {
      if (!(error instanceof DomainError) || !error.details) throw error;
      const fields = Object.fromEntries(
        Object.entries((error.details.fields ?? {}) as Record<string, string[]>).map(([path, messages]) => [path.replace(/^entities\.?(\d+)?/, (_m, i?: string) => (i === undefined ? 'body' : `[${i}]`)), messages]),
      );
      throw invalidInput(`Invalid ${Object.keys(fields).join(', ')}`, { fields });
    }
  }
}
