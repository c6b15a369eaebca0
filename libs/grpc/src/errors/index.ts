export * from './app-error';
export * from './error-kind';
export * from './grpc-error';
export * from './store-unavailable';
