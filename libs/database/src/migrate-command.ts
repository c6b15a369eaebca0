import { DataSource } from 'typeorm';

import { awaitMigrations } from './await-migrations';
import {
  type MysqlSettings,
  mysqlDataSourceOptions,
  type ServiceSchema,
} from './data-source-options';
import { ensureDatabase } from './ensure-database';
import { runMigrationsLocked } from './migration-lock';

/** How often `--wait` reads the applied migrations, and for how long (the Job's activeDeadlineSeconds). */
const MIGRATION_WAIT = { intervalMs: 2000, timeoutMs: 600_000 };

/**
 * A service's `migrate.js`: applies its pending migrations under the database's migration lock
 * (the Kubernetes migration Job runs it);
 * with `--wait` in `argv`, waits until they are applied instead (each app's init container).
 */
export async function migrateCommand(
  settings: MysqlSettings,
  schema: ServiceSchema,
  argv: readonly string[] = process.argv,
): Promise<void> {
  if (argv.includes('--wait')) {
    await awaitMigrations(settings, schema, {
      ...MIGRATION_WAIT,
      onWait: (reason) => console.log(reason),
    });
    console.log(`${schema.service}: every migration applied`);
    return;
  }
  await ensureDatabase(settings);
  const dataSource = new DataSource(mysqlDataSourceOptions(settings, schema));
  await dataSource.initialize();
  try {
    const applied = await runMigrationsLocked(dataSource, settings, schema, {
      onWait: (message) => console.log(message),
    });
    console.log(`${schema.service}: ${applied.length} migration(s) applied`);
  } finally {
    await dataSource.destroy();
  }
}
