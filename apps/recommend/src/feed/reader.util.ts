import { createHash } from 'node:crypto';

import { SNOWFLAKE_ID } from '@app/snowflake';

/**
 * Who asks for a feed: a signed-in user (numeric id: history-based interests), an anonymous
 * device (`Anony <device-id>` or any other non-numeric id: popular and recent), or nobody (an
 * empty user_id gets an empty result, as the reference).
 */
export type Reader =
  | { kind: 'none' }
  | { kind: 'user'; userId: string; key: string }
  | { kind: 'anonymous'; key: string };

export function readerOf(userId: string): Reader {
  if (userId === '') return { kind: 'none' };
  if (SNOWFLAKE_ID.test(userId)) return { kind: 'user', userId, key: userId };
  return {
    kind: 'anonymous',
    key: `anon:${createHash('md5').update(userId, 'utf8').digest('hex')}`,
  };
}
