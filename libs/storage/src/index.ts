export * from './image-type';
export * from './storage-driver';
export * from './local-storage.driver';
export * from './s3-storage.driver';
export * from './image-upload';
export * from './default-photo';
export * from './storage.module';
export * from './png';
