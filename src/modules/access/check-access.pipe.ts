import { Injectable, PipeTransform } from '@nestjs/common';
import { invalidInput } from '@/common/errors/domain-error';
import { isEntityType, MAX_ENTITY_ID } from '@/infra/cedar/cedar-text';
import type { EntityUid } from '@/infra/cedar/cedar-types';

export interface AccessQuery {
  principal: EntityUid;
  action: EntityUid;
  resource: EntityUid;
}

const FIELDS = ['principal', 'action', 'resource'] as const;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function checkUid(value: unknown, path: string, errors: Record<string, string[]>): void {
  if (!isObject(value)) {
    errors[path] = [`${path} must be an object {type, id}`];
    return;
  }
  for (const key of Object.keys(value)) if (key !== 'type' && key !== 'id') errors[`${path}.${key}`] = [`property ${key} should not exist`];
  const { type, id } = value;
  if (typeof type !== 'string' || !isEntityType(type)) errors[`${path}.type`] = ['type must be a Cedar entity type name like User or Acme::Host'];
  if (typeof id !== 'string' || id.length < 1 || id.length > MAX_ENTITY_ID) errors[`${path}.id`] = [`id must be a string of 1 to ${MAX_ENTITY_ID} characters`];
}

/**
 * The access check is the hot path: this does what the class-validator DTO (CheckAccessDto, kept for the OpenAPI
 * document) would, with the same rules and error shape, in well under a microsecond instead of ~35.
 */
@Injectable()
export class CheckAccessPipe implements PipeTransform<unknown, AccessQuery> {
  transform(body: unknown): AccessQuery {
    const errors: Record<string, string[]> = {};
    if (!isObject(body)) throw invalidInput('Body must be an object {principal, action, resource}', { fields: { body: ['must be an object'] } });
    for (const key of Object.keys(body)) {
      if (!(FIELDS as readonly string[]).includes(key)) errors[key] = [`property ${key} should not exist`];
    }
    for (const field of FIELDS) checkUid(body[field], field, errors);
    const names = Object.keys(errors);
    if (names.length > 0) throw invalidInput(`Invalid ${names.join(', ')}`, { fields: errors });
    return body as unknown as AccessQuery;
  }
}
