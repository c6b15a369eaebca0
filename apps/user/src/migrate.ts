import { ensureDatabase, mysqlDataSourceOptions } from '@app/database';
import { loadConfig, runMain } from '@app/config';
import { DataSource } from 'typeorm';

import { userEnvSchema } from './config/user.config';
import { USER_SCHEMA } from './database/user-schema';

/** Applies the user service's pending migrations (the Kubernetes migration Job runs this). */
async function migrate(): Promise<void> {
  const config = loadConfig(userEnvSchema);
  await ensureDatabase(config);
  const dataSource = new DataSource({ ...mysqlDataSourceOptions(config, USER_SCHEMA), migrationsRun: false });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    console.log(`user: ${applied.length} migration(s) applied`);
  } finally {
    await dataSource.destroy();
  }
}

runMain(migrate);
