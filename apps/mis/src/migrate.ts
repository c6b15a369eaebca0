import { ensureDatabase, mysqlDataSourceOptions } from '@app/database';
import { loadConfig, runMain } from '@app/config';
import { DataSource } from 'typeorm';

import { misEnvSchema } from './config/mis.config';
import { MIS_SCHEMA } from './database/mis-schema';

/** Applies the back office's pending migrations (the Kubernetes migration Job runs this). */
async function migrate(): Promise<void> {
  const config = loadConfig(misEnvSchema);
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
