import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { ValidateBy, ValidateIf } from 'class-validator';
import { invalidInput } from '@/common/errors/domain-error';

function collect(errors: ValidationError[], prefix: string, out: Record<string, string[]>): void {
  for (const error of errors) {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints) out[path] = Object.values(error.constraints);
    if (error.children?.length) collect(error.children, path, out);
  }
}

const isPlainObject = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A DTO body must be a JSON object: `[]`, `"x"`, `1` or `null` are refused instead of read as `{}`. No body is `{}`.
 * A value with nothing to validate (no DTO class: a parameter a route's own pipe checks, an interface, a primitive)
 * is answered at once, as Nest's pipe answers it but without its promise, so a hot route stays synchronous.
 */
class ObjectBodyValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (!this.expectedType && (!metadata.metatype || !this.toValidate(metadata))) {
      // Typed as Nest's pipe is (a promise): its callers await the result (Nest's router) or test for a promise
      // (HotPipeline), so a plain value serves both.
      return (this.isTransformEnabled ? this.transformPrimitive(value, metadata) : value) as Promise<unknown>;
    }
    if (metadata.type === 'body' && value !== undefined && !isPlainObject(value) && this.toValidate(metadata)) {
      return Promise.reject(invalidInput('The body must be a JSON object', { fields: { body: ['must be a JSON object'] } }));
    }
    return super.transform(value, metadata);
  }
}

/** Unknown fields are refused, not silently dropped: a typo in a security policy must be loud. */
export function createValidationPipe(): ValidationPipe {
  return new ObjectBodyValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => {
      const fields: Record<string, string[]> = {};
      collect(errors, '', fields);
      const names = Object.keys(fields);
      return invalidInput(`Invalid ${names.join(', ')}`, { fields });
    },
  });
}

/** Unlike @IsOptional, lets `null` through to the validators (which refuse it): only an absent field is skipped. */
export const IfPresent = () => ValidateIf((_object: object, value: unknown) => value !== undefined);

/** Largest request context in bytes of JSON: a larger one took seconds of CPU per decision (README "Hostile input"). */
export const MAX_CONTEXT_BYTES = 16_384;

/** A Cedar request context: a JSON object of at most MAX_CONTEXT_BYTES when serialised. */
export const IsCedarContext = () =>
  ValidateBy({
    name: 'isCedarContext',
    validator: {
      validate: (value: unknown) => isPlainObject(value) && Buffer.byteLength(JSON.stringify(value), 'utf8') <= MAX_CONTEXT_BYTES,
      defaultMessage: () => `context must be a JSON object of at most ${MAX_CONTEXT_BYTES} bytes`,
    },
  });
