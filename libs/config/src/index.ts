export * from './env.schema';
export * from './load-config';
export * from './config.module';
export * from './run-main';
export * from './lean-async-resource-bind';
export * from './logger.module';
export * from './display-time';
export * from './photo-url';
