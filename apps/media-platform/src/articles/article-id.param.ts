import { AppError } from '@app/grpc';
import { SNOWFLAKE_ID } from '@app/snowflake';

/** The reference routed only positive integers to `/articles/{id}`: no other id has a route (404). */
export function articleIdParam(id: string): string {
  if (!SNOWFLAKE_ID.test(id)) throw AppError.notFound('The article does not exist.');
  return id;
}
