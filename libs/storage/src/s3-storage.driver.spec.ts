import { createHash } from 'node:crypto';

import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AppError, ErrorKind } from '@app/grpc';
import { Logger } from '@nestjs/common';
import { mockClient } from 'aws-sdk-client-mock';

import { IMAGE_FIXTURES } from './image-fixtures.stub';
import { storeImage } from './image-upload';
import {
  createS3Client,
  S3_CACHE_CONTROL,
  S3StorageDriver,
  type S3StorageOptions,
} from './s3-storage.driver';

const OPTIONS: S3StorageOptions = {
  bucket: 'toutiao-images',
  region: 'eu-central-1',
  endpoint: 'http://seaweedfs.test:8333',
  accessKeyId: 'test-id',
  secretAccessKey: 'test-secret',
};
const PUBLIC_URL = 'http://seaweedfs.test:8333/toutiao-images/';

describe('S3StorageDriver', () => {
  const s3 = mockClient(S3Client);
  let driver: S3StorageDriver;

  beforeEach(() => {
    s3.reset();
    s3.on(PutObjectCommand).resolves({});
    driver = new S3StorageDriver(OPTIONS, PUBLIC_URL);
  });

  afterEach(() => {
    driver.onModuleDestroy();
  });

  afterAll(() => {
    s3.restore();
  });

  it('puts the bytes under their content-hash key with the content type, immutably cached', async () => {
    const { key } = await driver.put(IMAGE_FIXTURES.png, 'image/png');
    expect(key).toBe(`${createHash('sha256').update(IMAGE_FIXTURES.png).digest('hex')}.png`);

    const calls = s3.commandCalls(PutObjectCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    expect(input).toEqual({
      Bucket: 'toutiao-images',
      Key: key,
      Body: IMAGE_FIXTURES.png,
      ContentType: 'image/png',
      CacheControl: S3_CACHE_CONTROL,
    });
    expect(Buffer.isBuffer(input?.Body) && input.Body.equals(IMAGE_FIXTURES.png)).toBe(true);
    expect(S3_CACHE_CONTROL).toContain('immutable');
  });

  it('gives the same bytes the same key, and different bytes another', async () => {
    const first = await driver.put(IMAGE_FIXTURES.gif, 'image/gif');
    const second = await driver.put(Buffer.from(IMAGE_FIXTURES.gif), 'image/gif');
    const other = await driver.put(IMAGE_FIXTURES.webp, 'image/webp');
    expect(second.key).toBe(first.key);
    expect(other.key).not.toBe(first.key);
    expect(other.key).toMatch(/^[0-9a-f]{64}\.webp$/);
    expect(s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input.Key)).toEqual([
      first.key,
      first.key,
      other.key,
    ]);
  });

  it('answers URLs under the public base', () => {
    expect(driver.url('abc.png')).toBe(`${PUBLIC_URL}abc.png`);
  });

  it('surfaces a rejected PutObject as StorageFailed (507) through storeImage', async () => {
    const log = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const failure = new Error('NoSuchBucket: The specified bucket does not exist');
    s3.on(PutObjectCommand).rejects(failure);

    const error: unknown = await storeImage(driver, IMAGE_FIXTURES.jpg, {
      maxBytes: 1024,
      failureMessage: 'Uploading image failed.',
    }).then(
      () => undefined,
      (reason: unknown) => reason,
    );

    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).kind).toBe(ErrorKind.StorageFailed);
    expect((error as AppError).message).toBe('Uploading image failed.');
    expect(log).toHaveBeenCalledWith(expect.stringContaining('NoSuchBucket'));
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(1);
    log.mockRestore();
  });
});

describe('createS3Client', () => {
  it('uses path-style addressing, the endpoint and only required checksums', async () => {
    const client = createS3Client(OPTIONS);
    try {
      expect(client.config.forcePathStyle).toBe(true);
      expect(await client.config.region()).toBe('eu-central-1');
      const endpoint = await client.config.endpoint?.();
      expect(endpoint?.hostname).toBe('seaweedfs.test');
      expect(endpoint?.port).toBe(8333);
      expect(await client.config.requestChecksumCalculation()).toBe('WHEN_REQUIRED');
      expect(await client.config.responseChecksumValidation()).toBe('WHEN_REQUIRED');
      expect(await client.config.credentials()).toMatchObject({
        accessKeyId: 'test-id',
        secretAccessKey: 'test-secret',
      });
    } finally {
      client.destroy();
    }
  });
});
