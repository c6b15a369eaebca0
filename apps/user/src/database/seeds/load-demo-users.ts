import { CacheKeys, CounterStore, dropSortedSets } from '@app/cache';
import { groupCounts } from '@app/database';
import type Redis from 'ioredis';
import type { DataSource } from 'typeorm';

import { USER_COUNTER_QUERIES } from '../../counter-repair/user-counter-queries';
import { RelationType } from '../../relations/relation.entity';
import { DEMO_FOLLOWS, DEMO_USERS, DEMO_USERS_CREATED_AT } from './demo-users';

export interface DemoUsersTarget {
  dataSource: DataSource;
  /** Redis role `state` (counters), with the key prefix. */
  state: Redis;
  /** Redis role `cache`, with the key prefix. */
  cache: Redis;
}

/**
 * Loads the demo accounts and their follows with fixed ids and times (`INSERT IGNORE`: loading
 * again changes nothing, a database holding part of them gets the rest), rebuilds the follow
 * counters from the table by the counter repair's own queries and drops the cached relations.
 */
export async function loadDemoUsers(
  target: DemoUsersTarget,
): Promise<{ users: number; follows: number }> {
  await target.dataSource.transaction(async (manager) => {
    for (const user of DEMO_USERS) {
      await manager.query(
        `INSERT IGNORE INTO user_basic (user_id, mobile, user_name, status, is_media, is_verified, introduction, certificate, create_time, update_time)
         VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?)`,
        [
          user.id,
          user.mobile,
          user.name,
          user.isMedia,
          user.isMedia,
          user.intro,
          user.certi,
          DEMO_USERS_CREATED_AT,
          DEMO_USERS_CREATED_AT,
        ],
      );
      await manager.query(
        'INSERT IGNORE INTO user_profile (user_id, gender, birthday, create_time, update_time) VALUES (?, ?, ?, ?, ?)',
        [user.id, user.gender, user.birthday, DEMO_USERS_CREATED_AT, DEMO_USERS_CREATED_AT],
      );
    }
    for (const follow of DEMO_FOLLOWS) {
      await manager.query(
        'INSERT IGNORE INTO user_relation (user_id, target_user_id, relation, create_time, update_time) VALUES (?, ?, ?, ?, ?)',
        [follow.follower, follow.target, RelationType.Follow, follow.at, follow.at],
      );
    }
  });
  const counters = new CounterStore(target.state);
  for (const { key, query } of USER_COUNTER_QUERIES)
    await counters.replace(key, groupCounts(target.dataSource, query));
  const ids = DEMO_USERS.map((user) => user.id);
  await dropSortedSets(
    target.cache,
    ids.flatMap((id) => [CacheKeys.userFollowings(id), CacheKeys.userFans(id)]),
  );
  await target.cache.del(
    ...ids.flatMap((id) => [
      CacheKeys.userRelationship(id),
      `${CacheKeys.userRelationship(id)}:fill`,
    ]),
  );
  return { users: DEMO_USERS.length, follows: DEMO_FOLLOWS.length };
}
