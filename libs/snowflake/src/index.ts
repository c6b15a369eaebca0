export * from './snowflake';
export * from './snowflake.module';
export * from './snowflake-id';
