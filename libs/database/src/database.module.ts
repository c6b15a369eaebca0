import { type DynamicModule, Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { BoundedPoolClose } from './bounded-pool-close';
import {
  type MysqlSettings,
  mysqlDataSourceOptions,
  type ServiceSchema,
} from './data-source-options';
import { DatabaseHealth } from './database.health';
import { MigrationFailedError } from './migration-failure';
import {
  initializeMigrated,
  type MigrationLockOptions,
  MigrationLockWaitError,
} from './migration-lock';

/**
 * The service's TypeORM data source, closed within a bound, plus its readiness check; with
 * MIGRATIONS_RUN, its pending migrations applied under the database's migration lock first.
 */
@Module({})
export class DatabaseModule {
  static forRoot(
    settings: MysqlSettings,
    schema: ServiceSchema,
    lock: MigrationLockOptions = {},
  ): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...mysqlDataSourceOptions(settings, schema),
            // TypeORM's connection retry (9 attempts) would wait for a held lock, or run a failing
            // migration, 9 times over, each logged as a connection error.
            toRetry: (error: unknown) =>
              !(error instanceof MigrationLockWaitError || error instanceof MigrationFailedError),
          }),
          dataSourceFactory: (options) => {
            if (options === undefined) throw new Error(`${schema.service}: no data source options`);
            const logger = new Logger('Migrations');
            return initializeMigrated(options, settings, schema, {
              onWait: (message) => logger.log(message),
              ...lock,
            });
          },
        }),
      ],
      providers: [DatabaseHealth, BoundedPoolClose],
      exports: [DatabaseHealth],
    };
  }
}
