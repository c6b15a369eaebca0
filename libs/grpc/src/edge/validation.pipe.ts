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

/**
 * Far more fields and elements than any body a client sends (a user's whole channel list, 3 values
 * a channel, is a few hundred). class-transformer dedupes an object's keys with `indexOf`,
 * quadratic in their number: 60,000 unknown fields of one body held the event loop 3.4 s, 90,000
 * held it 9 s, 10,000 still 0.2 s.
 */
const MAX_BODY_VALUES = 2_000;

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
 * What makes `value` too big to transform: objects and arrays nested deeper than `MAX_BODY_DEPTH`
 * or holding more than `MAX_BODY_VALUES` fields and elements in all (walked without recursion).
 */
function oversizedBody(value: unknown): 'deep' | 'many' | undefined {
  const pending: Array<{ item: unknown; depth: number }> = [{ item: value, depth: 1 }];
  let values = 0;
  for (let next = pending.pop(); next; next = pending.pop()) {
    if (typeof next.item !== 'object' || next.item === null) continue;
    if (next.depth > MAX_BODY_DEPTH) return 'deep';
    const children = Object.values(next.item);
    values += children.length;
    if (values > MAX_BODY_VALUES) return 'many';
    for (const child of children) pending.push({ item: child, depth: next.depth + 1 });
  }
  return undefined;
}

const OVERSIZED_MESSAGES = {
  deep: 'Request body is nested too deeply.',
  many: 'Request body holds too many values.',
} as const;

class EdgeValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const oversized = metadata.type === 'body' ? oversizedBody(value) : undefined;
    if (oversized) throw new BadRequestException({ message: OVERSIZED_MESSAGES[oversized] });
    return super.transform(value, metadata);
  }
}

/**
 * Validates bodies, queries and params against DTO classes. Unknown fields are stripped (the
 * real clients send extras such as `agree` or a whole article with `id`), never stored and never
 * an error. Failures answer 400 `{"message":{"<field>":"<error>"}}` as the reference does; a body
 * nested deeper than `MAX_BODY_DEPTH` or of more than `MAX_BODY_VALUES` values answers 400 before
 * it is transformed.
 */
export function createValidationPipe(): ValidationPipe {
  return new EdgeValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: false,
    transform: true,
    exceptionFactory: (errors) => new BadRequestException({ message: firstMessages(errors) }),
  });
}
