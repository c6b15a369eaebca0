import { randomBytes } from 'node:crypto';

import Redis from 'ioredis';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestRedis {
  /** Key prefix of this test file; every app under test gets it through REDIS_KEY_PREFIX. */
  prefix: string;
  cacheUrl: string;
  stateUrl: string;
  queueUrl: string;
  /** A raw client on the given role's db without the prefix (for assertions). */
  client(role: 'cache' | 'state' | 'queue'): Redis;
  /** Deletes every key under the prefix in all three dbs and closes the clients. */
  cleanup(): Promise<void>;
}

const DBS = { cache: 0, state: 1, queue: 2 } as const;

/**
 * The Redis servers of the roles (`redis://host:port`, no db): the local Redis unless a test runs
 * its own (a restart test). The queue role shares the state role's server, as deployed.
 */
export interface TestRedisServers {
  cache: string;
  state: string;
}

/** A private key space for one test file on the real local Redis (or on the servers given). */
export function createTestRedis(
  servers: TestRedisServers = { cache: TEST_REDIS_URL, state: TEST_REDIS_URL },
): TestRedis {
  const prefix = `t${process.pid}${randomBytes(3).toString('hex')}:`;
  const urls = {
    cache: `${servers.cache}/${DBS.cache}`,
    state: `${servers.state}/${DBS.state}`,
    queue: `${servers.state}/${DBS.queue}`,
  };
  const clients = new Map<keyof typeof DBS, Redis>();
  const client = (role: keyof typeof DBS): Redis => {
    let existing = clients.get(role);
    if (!existing) {
      existing = new Redis(urls[role]);
      clients.set(role, existing);
    }
    return existing;
  };
  return {
    prefix,
    cacheUrl: urls.cache,
    stateUrl: urls.state,
    queueUrl: urls.queue,
    client,
    cleanup: async () => {
      for (const role of Object.keys(DBS) as (keyof typeof DBS)[]) {
        const redis = client(role);
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
          if (keys.length > 0) await redis.del(...keys);
          cursor = next;
        } while (cursor !== '0');
      }
      await Promise.all([...clients.values()].map((redis) => redis.quit()));
      clients.clear();
    },
  };
}
