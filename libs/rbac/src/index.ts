export * from './decorators';
export * from './permission.guard';
export * from './permissions';
