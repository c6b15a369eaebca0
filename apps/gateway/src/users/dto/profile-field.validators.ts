import { ValidateBy, type ValidationOptions } from 'class-validator';

// Line breaks and other control characters never belong in a one-line text field, nor a lone
// surrogate (half an emoji), which is no character: gRPC passed it on as replacement characters.
const CONTROL = /[\p{Cc}\p{Cs}]/u;

/** A one-line string of `min`..`max` characters (code points, as people count them). */
export function IsTextLine(
  min: number,
  max: number,
  options: ValidationOptions,
): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isTextLine',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          !CONTROL.test(value) &&
          value.trim().length >= min &&
          [...value].length <= max,
      },
    },
    options,
  );
}

/**
 * A real calendar date `YYYY-MM-DD` from 1900 on, and not after today anywhere on Earth (the
 * user service checks "today" again in the configured time zone).
 */
export function IsPastCalendarDate(options: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isPastCalendarDate',
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
          if (!match) return false;
          const date = new Date(`${value}T00:00:00Z`);
          const latestToday = new Date(Date.now() + 14 * 3600_000).toISOString().slice(0, 10);
          return (
            !Number.isNaN(date.getTime()) &&
            date.toISOString().startsWith(value) &&
            value >= '1900-01-01' &&
            value <= latestToday
          );
        },
      },
    },
    options,
  );
}

/** Whole characters only: no lone surrogate, which gRPC would pass on as replacement characters. */
export const WHOLE_CHARACTERS = /^\P{Cs}*$/u;
