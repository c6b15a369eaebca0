import { createRedisClient } from '@app/cache';
import { loadConfig, runMain } from '@app/config';
import { mysqlDataSourceOptions } from '@app/database';
import { DataSource } from 'typeorm';

import { type UserConfig, userEnvSchema } from './config/user.config';
import { loadDemoUsers } from './database/seeds/load-demo-users';
import { USER_SCHEMA } from './database/user-schema';

/** Loads the demo accounts and follows into the configured stores (idempotent; see loadDemoUsers). */
export async function seedDemoUsers(
  config: UserConfig,
): Promise<{ users: number; follows: number }> {
  if (config.NODE_ENV === 'production') throw new Error('refusing to load demo data in production');
  const dataSource = await new DataSource({
    ...mysqlDataSourceOptions(config, USER_SCHEMA),
    migrationsRun: false,
  }).initialize();
  const state = createRedisClient(config.REDIS_STATE_URL, config.REDIS_KEY_PREFIX);
  const cache = createRedisClient(config.REDIS_CACHE_URL, config.REDIS_KEY_PREFIX);
  try {
    return await loadDemoUsers({ dataSource, state, cache });
  } finally {
    await Promise.all([state.quit(), cache.quit()]);
    await dataSource.destroy();
  }
}

if (require.main === module) {
  runMain(async () => {
    const loaded = await seedDemoUsers(loadConfig(userEnvSchema));
    console.log(
      `user: ${loaded.users} demo users and ${loaded.follows} follows present; counters rebuilt`,
    );
  });
}
