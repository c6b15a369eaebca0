export * from './keys';
export * from './redis-roles';
export * from './redis.health';
export * from './redis.module';
export * from './ttl';
export * from './counter-store';
export * from './two-level-cache';
export * from './two-level-cache.module';
