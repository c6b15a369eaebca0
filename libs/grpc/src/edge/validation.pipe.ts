import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';

function firstMessages(errors: ValidationError[], prefix = ''): Record<string, string> {
  const messages: Record<string, string> = {};
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const constraint = error.constraints ? Object.values(error.constraints)[0] : undefined;
    if (constraint) messages[field] = constraint;
    if (error.children?.length) Object.assign(messages, firstMessages(error.children, field));
  }
  return messages;
}

/**
 * Validates bodies, queries and params against DTO classes. Unknown fields are stripped (the
 * real clients send extras such as `agree` or a whole article with `id`), never stored and never
 * an error. Failures answer 400 `{"message":{"<field>":"<error>"}}` as the reference does.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: false,
    transform: true,
    exceptionFactory: (errors) => new BadRequestException({ message: firstMessages(errors) }),
  });
}
