import { resolve } from 'node:path';

import { LocalStorageDriver } from './local-storage.driver';
import { S3StorageDriver } from './s3-storage.driver';
import { createStorageDriver, storageOptionsFromEnv } from './storage.module';

describe('createStorageDriver', () => {
  it('builds the local driver with URLs under the public base', () => {
    const driver = createStorageDriver({
      driver: 'local',
      localDir: '.data/x',
      publicUrl: 'http://img.test/static/',
    });
    expect(driver).toBeInstanceOf(LocalStorageDriver);
    expect(driver.url('abc.png')).toBe('http://img.test/static/abc.png');
  });

  it('builds the s3 driver from its settings, with URLs under the public base', () => {
    const driver = createStorageDriver({
      driver: 's3',
      localDir: '.data/x',
      publicUrl: 'http://img.test/bucket/',
      s3: { bucket: 'images', region: 'us-east-1', accessKeyId: 'id', secretAccessKey: 'secret' },
    });
    expect(driver).toBeInstanceOf(S3StorageDriver);
    expect(driver.url('abc.png')).toBe('http://img.test/bucket/abc.png');
    (driver as S3StorageDriver).onModuleDestroy();
  });

  it('refuses the s3 driver at boot when its settings are missing', () => {
    expect(() =>
      createStorageDriver({ driver: 's3', localDir: '.data/x', publicUrl: 'http://img.test/' }),
    ).toThrow(/S3_BUCKET/);
  });

  it('reads the storage settings of the shared env schema', () => {
    expect(
      storageOptionsFromEnv({
        STORAGE_DRIVER: 'local',
        STORAGE_LOCAL_DIR: resolve('/tmp/uploads'),
        STORAGE_PUBLIC_URL: 'http://img.test/',
        STORAGE_MAX_IMAGE_BYTES: 10,
      }),
    ).toEqual({
      driver: 'local',
      localDir: '/tmp/uploads',
      publicUrl: 'http://img.test/',
      maxBytes: 10,
      s3: undefined,
    });
  });

  it('passes the S3 settings through once bucket and credentials are all set', () => {
    const env = {
      STORAGE_DRIVER: 's3' as const,
      STORAGE_LOCAL_DIR: '.data/uploads',
      STORAGE_PUBLIC_URL: 'http://s3.test/images/',
      STORAGE_MAX_IMAGE_BYTES: 10,
      S3_BUCKET: 'images',
      S3_REGION: 'eu-west-1',
      S3_ENDPOINT: 'http://seaweedfs:8333',
      S3_ACCESS_KEY_ID: 'id',
      S3_SECRET_ACCESS_KEY: 'secret',
    };
    expect(storageOptionsFromEnv(env).s3).toEqual({
      bucket: 'images',
      region: 'eu-west-1',
      endpoint: 'http://seaweedfs:8333',
      accessKeyId: 'id',
      secretAccessKey: 'secret',
    });
    expect(storageOptionsFromEnv({ ...env, S3_SECRET_ACCESS_KEY: undefined }).s3).toBeUndefined();
  });
});
