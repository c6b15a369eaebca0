import { awaitMigrations, ensureDatabase, mysqlDataSourceOptions } from '@app/database';
import { loadConfig, runMain } from '@app/config';
import { DataSource } from 'typeorm';

import { misEnvSchema } from './config/mis.config';
import { MIS_SCHEMA } from './database/mis-schema';

/** How often `--wait` reads the applied migrations, and for how long (the Job's activeDeadlineSeconds). */
const MIGRATION_WAIT = { intervalMs: 2000, timeoutMs: 600_000 };

/**
 * Applies the back office's pending migrations (the Kubernetes migration Job runs this); with
 * `--wait`, waits until they are applied instead (each app's init container).
 */
async function migrate(): Promise<void> {
  const config = loadConfig(misEnvSchema);
  if (process.argv.includes('--wait')) {
    await awaitMigrations(config, MIS_SCHEMA, { ...MIGRATION_WAIT, onWait: (reason) => console.log(reason) });
    console.log('mis: every migration applied');
    return;
  }
  await ensureDatabase(config);
  const dataSource = new DataSource({ ...mysqlDataSourceOptions(config, MIS_SCHEMA), migrationsRun: false });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    console.log(`mis: ${applied.length} migration(s) applied`);
  } finally {
    await dataSource.destroy();
  }
}

runMain(migrate);
