import { ValidateBy, type ValidationOptions } from 'class-validator';

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
