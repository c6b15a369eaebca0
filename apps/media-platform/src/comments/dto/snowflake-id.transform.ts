/** Clients that parse ids as plain numbers send small ids unquoted; ids are strings from here on. */
export const safeIntegerAsString = ({ value }: { value: unknown }): unknown =>
  typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;

/** `true`/`false`, and the 1/0 some clients send for them. */
export const bitAsBoolean = ({ value }: { value: unknown }): unknown =>
  value === 1 ? true : value === 0 ? false : value;
