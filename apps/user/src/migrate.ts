import { awaitMigrations, ensureDatabase, mysqlDataSourceOptions } from '@app/database';
import { loadConfig, runMain } from '@app/config';
import { DataSource } from 'typeorm';

import { userEnvSchema } from './config/user.config';
import { USER_SCHEMA } from './database/user-schema';

/** How often `--wait` reads the applied migrations, and for how long (the Job's activeDeadlineSeconds). */
const MIGRATION_WAIT = { intervalMs: 2000, timeoutMs: 600_000 };

/**
 * Applies the user service's pending migrations (the Kubernetes migration Job runs this); with
 * `--wait`, waits until they are applied instead (each app's init container).
 */
async function migrate(): Promise<void> {
  const config = loadConfig(userEnvSchema);
  if (process.argv.includes('--wait')) {
    await awaitMigrations(config, USER_SCHEMA, { ...MIGRATION_WAIT, onWait: (reason) => console.log(reason) });
    console.log('user: every migration applied');
    return;
  }
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
