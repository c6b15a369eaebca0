import { AppError } from '@app/grpc';
import { SNOWFLAKE_ID } from '@app/snowflake';

/** The reference routed only positive integers to `/comments/{id}` and `/comment/likings/{id}`. */
export function commentIdParam(id: string): string {
  if (!SNOWFLAKE_ID.test(id)) throw AppError.notFound('The comment does not exist.');
  return id;
}
