import { AppError } from '@app/grpc';
import { SNOWFLAKE_ID } from '@app/snowflake';

/** A user id in a path: the reference routed only positive integers there, so no other has a route (404). */
export function userTargetParam(target: string): string {
  if (!SNOWFLAKE_ID.test(target)) throw AppError.notFound('The user does not exist.');
  return target;
}
