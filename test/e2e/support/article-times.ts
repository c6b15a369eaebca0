import { Snowflake } from '@app/snowflake';

/** The snowflake id of an article created at `ms`: ids order articles by creation time. */
export function articleIdAt(ms: number): string {
  return new Snowflake({ datacenterId: 0, workerId: 0, now: () => ms }).nextId();
}

/** `ms` as MySQL's UTC `YYYY-MM-DD HH:MM:SS` (SeedArticle's `createdAt`). */
export function sqlTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}
