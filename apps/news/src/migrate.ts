import { ensureDatabase, mysqlDataSourceOptions } from '@app/database';
import { loadConfig, runMain } from '@app/config';
import { DataSource } from 'typeorm';

import { newsEnvSchema } from './config/news.config';
import { NEWS_SCHEMA } from './database/news-schema';

/** Applies the news service's pending migrations (the Kubernetes migration Job runs this). */
async function migrate(): Promise<void> {
  const config = loadConfig(newsEnvSchema);
  await ensureDatabase(config);
  const dataSource = new DataSource({ ...mysqlDataSourceOptions(config, NEWS_SCHEMA), migrationsRun: false });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    console.log(`news: ${applied.length} migration(s) applied`);
  } finally {
    await dataSource.destroy();
  }
}

runMain(migrate);
