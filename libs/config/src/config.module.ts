import { type DynamicModule, Module } from '@nestjs/common';

/** Injection token of the parsed, typed configuration object. */
export const APP_CONFIG = Symbol('APP_CONFIG');

/** Makes an app's already-validated configuration injectable as APP_CONFIG. */
@Module({})
export class AppConfigModule {
  static forValue<T extends object>(config: T): DynamicModule {
    return {
      module: AppConfigModule,
      global: true,
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}
