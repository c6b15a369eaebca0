import { HeadObjectCommand, NotFound, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { OnModuleDestroy } from '@nestjs/common';

import { contentKey, StorageDriver, type StoredObject } from './storage-driver';

/** Where the `s3` driver stores objects (AWS S3 or an S3-compatible store such as SeaweedFS). */
export interface S3StorageOptions {
  bucket: string;
  region: string;
  /** Endpoint of an S3-compatible store; unset means AWS itself. */
  endpoint?: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** Keys are content hashes, so an object never changes and may be cached forever. */
export const S3_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/** The S3 client the `s3` driver uses, configured for AWS and S3-compatible stores alike. */
export function createS3Client(options: S3StorageOptions): S3Client {
  return new S3Client({
    region: options.region,
    endpoint: options.endpoint,
    // S3-compatible stores rarely resolve bucket subdomains; AWS accepts path-style too.
    forcePathStyle: true,
    credentials: {
      accessKeyId: options.accessKeyId,
      secretAccessKey: options.secretAccessKey,
    },
    // SDK ≥ 3.729 adds CRC32 checksums by default, which S3-compatible stores reject.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** Stores files as `<sha256-hex>.<ext>` objects in one bucket; URLs are `publicUrl` + key. */
export class S3StorageDriver extends StorageDriver implements OnModuleDestroy {
  private readonly client: S3Client;

  constructor(
    private readonly options: S3StorageOptions,
    private readonly publicUrl: string,
  ) {
    super();
    this.client = createS3Client(options);
  }

  async put(
    bytes: Buffer,
    contentType: string,
    key = contentKey(bytes, contentType),
  ): Promise<StoredObject> {
    // Equal bytes give an equal key, so a repeated upload just rewrites identical content.
    await this.putObject(key, bytes, contentType, S3_CACHE_CONTROL);
    return { key };
  }

  async putIfAbsent(key: string, bytes: Buffer, contentType: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: key }));
      return false;
    } catch (error) {
      if (!(error instanceof NotFound)) throw error;
    }
    // Not a content hash: an operator may replace it, so caches check back within a day.
    await this.putObject(key, bytes, contentType, 'public, max-age=86400');
    return true;
  }

  private async putObject(
    key: string,
    bytes: Buffer,
    contentType: string,
    cacheControl: string,
  ): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.options.bucket,
        Key: key,
        Body: bytes,
        ContentType: contentType,
        CacheControl: cacheControl,
      }),
    );
  }

  url(key: string): string {
    return this.publicUrl + key;
  }

  onModuleDestroy(): void {
    this.client.destroy();
  }
}
