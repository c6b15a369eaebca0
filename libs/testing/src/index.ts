export * from './free-port';
export * from './test-database';
export * from './test-env';
export * from './test-redis';
export * from './test-keys';
export * from './grpc-health-status';
export * from './socket-events';
export * from './async-iterables';
