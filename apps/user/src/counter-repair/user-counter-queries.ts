import { CounterKeys } from '@app/cache';
import type { CounterQuery } from '@app/grpc';

import { RelationType } from '../relations/relation.entity';

/** What each counter the user service keeps counts, as follows and unfollows move it. */
export const USER_COUNTER_QUERIES: readonly CounterQuery[] = [
  {
    key: CounterKeys.userFollowings,
    query: {
      from: 'user_relation',
      groupBy: 'user_id',
      where: `relation = ${RelationType.Follow}`,
    },
  },
  {
    key: CounterKeys.userFollowers,
    query: {
      from: 'user_relation',
      groupBy: 'target_user_id',
      where: `relation = ${RelationType.Follow}`,
    },
  },
];
