import { type DynamicModule, Module } from '@nestjs/common';

import { Snowflake } from './snowflake';

/** Provides one `Snowflake` generator per process, keyed by datacenter and worker id. */
@Module({})
export class SnowflakeModule {
  static forRoot(options: { datacenterId: number; workerId: number }): DynamicModule {
    return {
      module: SnowflakeModule,
      global: true,
      providers: [{ provide: Snowflake, useValue: new Snowflake(options) }],
      exports: [Snowflake],
    };
  }
}
