export * from './data-source-options';
export * from './database.health';
export * from './database.module';
export * from './ensure-database';
export * from './group-counts';
export * from './retry-on-deadlock';
export * from './keyset-pages';
export * from './await-migrations';
