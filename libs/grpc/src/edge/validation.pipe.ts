import {
  type ArgumentMetadata,
  BadRequestException,
  ValidationPipe,
  type ValidationError,
} from '@nestjs/common';

/**
 * Far deeper than any body a client sends (an article's cover is 3 levels). class-transformer
 * recurses once a level, unknown fields included, and runs out of stack near 2,000 levels.
 */
const MAX_BODY_DEPTH = 32;

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

/** Whether objects and arrays nest deeper than `limit` in `value` (walked without recursion). */
function nestsDeeperThan(value: unknown, limit: number): boolean {
  const pending: Array<{ item: unknown; depth: number }> = [{ item: value, depth: 1 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    if (typeof next.item !== 'object' || next.item === null) continue;
    if (next.depth > limit) return true;
    for (const child of Object.values(next.item))
      pending.push({ item: child, depth: next.depth + 1 });
  }
  return false;
}

class EdgeValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && nestsDeeperThan(value, MAX_BODY_DEPTH)) {
      throw new BadRequestException({ message: 'Request body is nested too deeply.' });
    }
    return super.transform(value, metadata);
  }
}

/**
 * Validates bodies, queries and params against DTO classes. Unknown fields are stripped (the
 * real clients send extras such as `agree` or a whole article with `id`), never stored and never
 * an error. Failures answer 400 `{"message":{"<field>":"<error>"}}` as the reference does; a body
 * nested deeper than `MAX_BODY_DEPTH` answers 400 before it is transformed.
 */
export function createValidationPipe(): ValidationPipe {
  return new EdgeValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: false,
    transform: true,
    exceptionFactory: (errors) => new BadRequestException({ message: firstMessages(errors) }),
  });
}
