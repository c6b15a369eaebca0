import { resolve } from 'node:path';

import { LocalStorageDriver } from './local-storage.driver';
import { createS3StorageDriver, S3_CLIENT_PACKAGE } from './s3-storage.driver';
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

  it('refuses the s3 driver at boot, naming the missing package', () => {
    expect(() =>
      createStorageDriver({ driver: 's3', localDir: '.data/x', publicUrl: 'http://img.test/' }),
    ).toThrow(S3_CLIENT_PACKAGE);
    expect(() => createS3StorageDriver(() => false)).toThrow(/npm install @aws-sdk\/client-s3/);
    expect(() => createS3StorageDriver(() => true)).toThrow(/STORAGE_DRIVER=local/);
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
    });
  });
});
