export * from './snowflake';
export * from './snowflake.module';
