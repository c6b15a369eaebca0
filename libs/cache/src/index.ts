export * from './keys';
export * from './redis-roles';
export * from './redis.health';
export * from './redis.module';
export * from './ttl';
export * from './counter-store';
