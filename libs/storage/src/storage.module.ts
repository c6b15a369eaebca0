import { resolve } from 'node:path';

import {
  type DynamicModule,
  type FactoryProvider,
  Inject,
  Injectable,
  Module,
  type Provider,
} from '@nestjs/common';

import {
  type CheckedImage,
  checkImage,
  DEFAULT_MAX_IMAGE_BYTES,
  putImage,
  storeImage,
  type StoredImage,
} from './image-upload';
import { LocalStorageDriver } from './local-storage.driver';
import { S3StorageDriver, type S3StorageOptions } from './s3-storage.driver';
import { StorageDriver } from './storage-driver';

export interface StorageOptions {
  driver: 'local' | 's3';
  /** Folder of the `local` driver (relative paths resolve against the working directory). */
  localDir: string;
  /** Base URL that turns keys into URLs; ends with `/`. */
  publicUrl: string;
  /** Largest accepted image in bytes. */
  maxBytes?: number;
  /** Bucket and credentials of the `s3` driver; required when `driver` is `s3`. */
  s3?: S3StorageOptions;
}

/** The storage settings every app shares (see `baseEnvSchema`). */
export interface StorageEnv {
  STORAGE_DRIVER: 'local' | 's3';
  STORAGE_LOCAL_DIR: string;
  STORAGE_PUBLIC_URL: string;
  STORAGE_MAX_IMAGE_BYTES: number;
  S3_BUCKET?: string;
  S3_REGION?: string;
  S3_ENDPOINT?: string;
  S3_ACCESS_KEY_ID?: string;
  S3_SECRET_ACCESS_KEY?: string;
}

export const STORAGE_OPTIONS = Symbol('STORAGE_OPTIONS');

/** StorageOptions from validated app config. */
export function storageOptionsFromEnv(env: StorageEnv): StorageOptions {
  return {
    driver: env.STORAGE_DRIVER,
    localDir: env.STORAGE_LOCAL_DIR,
    publicUrl: env.STORAGE_PUBLIC_URL,
    maxBytes: env.STORAGE_MAX_IMAGE_BYTES,
    s3: s3OptionsFromEnv(env),
  };
}

function s3OptionsFromEnv(env: StorageEnv): S3StorageOptions | undefined {
  const {
    S3_BUCKET: bucket,
    S3_ACCESS_KEY_ID: accessKeyId,
    S3_SECRET_ACCESS_KEY: secretAccessKey,
  } = env;
  if (!bucket || !accessKeyId || !secretAccessKey) return undefined;
  return {
    bucket,
    region: env.S3_REGION ?? 'us-east-1',
    endpoint: env.S3_ENDPOINT,
    accessKeyId,
    secretAccessKey,
  };
}

/** The driver the options ask for; `s3` without its settings throws at boot, not at the first upload. */
export function createStorageDriver(options: StorageOptions): StorageDriver {
  switch (options.driver) {
    case 'local':
      return new LocalStorageDriver(resolve(options.localDir), options.publicUrl);
    case 's3':
      if (!options.s3) {
        throw new Error(
          'STORAGE_DRIVER=s3 needs S3_BUCKET, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY.',
        );
      }
      return new S3StorageDriver(options.s3, options.publicUrl);
  }
}

/** Stores checked images through the configured driver; what HTTP edges inject. */
@Injectable()
export class ImageStorage {
  constructor(
    private readonly driver: StorageDriver,
    @Inject(STORAGE_OPTIONS) private readonly options: StorageOptions,
  ) {}

  get maxBytes(): number {
    return this.options.maxBytes ?? DEFAULT_MAX_IMAGE_BYTES;
  }

  /** See `storeImage`: 400 for a bad or oversized image, 507 (`failureMessage`) when storing fails. */
  store(input: Buffer | string, failureMessage?: string): Promise<StoredImage> {
    return storeImage(this.driver, input, { maxBytes: this.maxBytes, failureMessage });
  }

  /**
   * See `checkImage`: 400 for a bad or oversized image, nothing stored. A route that saves the
   * key somewhere checks first, asks whether the save would be refused, and only then stores.
   */
  check(input: Buffer | string): CheckedImage {
    return checkImage(input, this.maxBytes);
  }

  /** See `putImage`: 507 (`failureMessage`) when storing fails. */
  put(image: CheckedImage, failureMessage?: string): Promise<StoredImage> {
    return putImage(this.driver, image, failureMessage);
  }

  /** URL of a stored key; empty keys stay empty. */
  url(key: string): string {
    return key ? this.driver.url(key) : '';
  }
}

export type StorageAsyncOptions = Pick<FactoryProvider<StorageOptions>, 'inject' | 'useFactory'>;

/** Image storage (`ImageStorage`, `StorageDriver`) for one app. */
@Module({})
export class StorageModule {
  static forRoot(options: StorageOptions): DynamicModule {
    return StorageModule.build({ provide: STORAGE_OPTIONS, useValue: options });
  }

  /** As `forRoot`, with options built from injected providers (usually APP_CONFIG). */
  static forRootAsync(options: StorageAsyncOptions): DynamicModule {
    return StorageModule.build({
      provide: STORAGE_OPTIONS,
      inject: options.inject,
      useFactory: options.useFactory,
    });
  }

  private static build(optionsProvider: Provider<StorageOptions>): DynamicModule {
    return {
      module: StorageModule,
      providers: [
        optionsProvider,
        { provide: StorageDriver, inject: [STORAGE_OPTIONS], useFactory: createStorageDriver },
        ImageStorage,
      ],
      exports: [StorageDriver, ImageStorage, STORAGE_OPTIONS],
    };
  }
}
