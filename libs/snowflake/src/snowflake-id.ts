/** A snowflake id as the clients and services pass it: a positive decimal integer string, no leading zero. */
export const SNOWFLAKE_ID = /^[1-9]\d{0,19}$/;

export function isSnowflakeId(value: unknown): value is string {
  return typeof value === 'string' && SNOWFLAKE_ID.test(value);
}
