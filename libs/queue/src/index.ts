export * from './queue-names';
export * from './job-options';
export * from './job-producer';
export * from './queue.health';
export * from './queue.module';
export * from './processor-registry';
export * from './processor-registry.module';
export * from './notification-emitter';
