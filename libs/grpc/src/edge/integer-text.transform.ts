import { Transform } from 'class-transformer';

/** Decimal digits with an optional sign, as the reference's `int()` read a query value. */
export const INTEGER_TEXT = /^\s*[+-]?\d+\s*$/;

/**
 * Reads a query integer from decimal digits only. Anything else stays as it came and fails the
 * field's `@IsInt()`: `Number()` read `0x10`, `1e1`, `10.0` and an empty value as 16, 10, 10 and 0.
 */
export const IntegerText = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && INTEGER_TEXT.test(value) ? Number(value) : value,
  );
