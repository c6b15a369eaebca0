import type { StorageDriver } from './storage-driver';

/** The optional package the `s3` driver needs; it is not a dependency of this repository. */
export const S3_CLIENT_PACKAGE = '@aws-sdk/client-s3';

/**
 * The `s3` driver. Its client package is optional and not installed, so asking for it fails at
 * boot with a message naming the package, instead of at the first upload.
 */
export function createS3StorageDriver(
  isInstalled: (packageName: string) => boolean = packageIsInstalled,
): StorageDriver {
  if (!isInstalled(S3_CLIENT_PACKAGE)) {
    throw new Error(
      `STORAGE_DRIVER=s3 needs the package ${S3_CLIENT_PACKAGE}, which is not installed. ` +
        `Install it (npm install ${S3_CLIENT_PACKAGE}) or set STORAGE_DRIVER=local.`,
    );
  }
  throw new Error('STORAGE_DRIVER=s3 is not wired in this build yet; set STORAGE_DRIVER=local.');
}

function packageIsInstalled(packageName: string): boolean {
  try {
    require.resolve(packageName);
    return true;
  } catch {
    return false;
  }
}
