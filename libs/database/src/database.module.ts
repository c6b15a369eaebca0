import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { BoundedPoolClose } from './bounded-pool-close';
import { type MysqlSettings, mysqlDataSourceOptions, type ServiceSchema } from './data-source-options';
import { DatabaseHealth } from './database.health';

/** The service's TypeORM data source, closed within a bound, plus its readiness check. */
@Module({})
export class DatabaseModule {
  static forRoot(settings: MysqlSettings, schema: ServiceSchema): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [TypeOrmModule.forRoot(mysqlDataSourceOptions(settings, schema))],
      providers: [DatabaseHealth, BoundedPoolClose],
      exports: [DatabaseHealth],
    };
  }
}
