import { ValidationError, ValidationPipe } from '@nestjs/common';
import { invalidInput } from '@/common/errors/domain-error';

function collect(errors: ValidationError[], prefix: string, out: Record<string, string[]>): void {
  for (const error of errors) {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints) out[path] = Object.values(error.constraints);
    if (error.children?.length) collect(error.children, path, out);
  }
}

/** Unknown fields are refused, not silently dropped: a typo in a security policy must be loud. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
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
