import { loadConfig, runMain } from '@app/config';
import { mysqlDataSourceOptions } from '@app/database';
import { DataSource } from 'typeorm';

import { userEnvSchema } from './config/user.config';
import { DEMO_USERS } from './database/seeds/demo-users';
import { USER_SCHEMA } from './database/user-schema';

/** Loads the demo accounts (idempotent). Development only. */
runMain(async () => {
  const config = loadConfig(userEnvSchema);
  if (config.NODE_ENV === 'production') throw new Error('refusing to load demo data in production');
  const dataSource = await new DataSource({ ...mysqlDataSourceOptions(config, USER_SCHEMA), migrationsRun: false }).initialize();
  try {
    for (const user of DEMO_USERS) {
      await dataSource.query(
        `INSERT IGNORE INTO user_basic (user_id, mobile, user_name, status, is_media, is_verified, introduction, certificate)
         VALUES (?, ?, ?, 1, ?, ?, ?, ?)`,
        [user.id, user.mobile, user.name, user.isMedia, user.isMedia, user.intro, user.certi],
      );
      await dataSource.query('INSERT IGNORE INTO user_profile (user_id, gender) VALUES (?, 0)', [user.id]);
    }
    console.log(`user: ${DEMO_USERS.length} demo users present`);
  } finally {
    await dataSource.destroy();
  }
});
