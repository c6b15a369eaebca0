import type { MysqlSettings } from '@app/database';

import type { TestRedis } from './test-redis';

/** Environment variables pointing an app at a test database and Redis key space. */
export function testEnv(
  database: MysqlSettings,
  redis: TestRedis,
  overrides: Record<string, string | number> = {},
): NodeJS.ProcessEnv {
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'error',
    MYSQL_HOST: database.MYSQL_HOST,
    MYSQL_PORT: String(database.MYSQL_PORT),
    MYSQL_USER: database.MYSQL_USER,
    MYSQL_PASSWORD: database.MYSQL_PASSWORD,
    MYSQL_DATABASE: database.MYSQL_DATABASE,
    MYSQL_POOL_SIZE: '4',
    REDIS_CACHE_URL: redis.cacheUrl,
    REDIS_STATE_URL: redis.stateUrl,
    REDIS_QUEUE_URL: redis.queueUrl,
    REDIS_KEY_PREFIX: redis.prefix,
    // No /metrics listener unless a test asks for one: the defaults would collide across files.
    USER_METRICS_PORT: '0',
    NEWS_METRICS_PORT: '0',
    RECOMMEND_METRICS_PORT: '0',
  };
  for (const [key, value] of Object.entries(overrides)) env[key] = String(value);
  return env;
}
