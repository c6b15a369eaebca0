import { DEFAULT_PHOTO_KEY } from '@app/config';

import { encodePng, type Rgb } from './png';
import type { StorageDriver } from './storage-driver';

export const DEFAULT_PHOTO_CONTENT_TYPE = 'image/png';
/** Side of the square default photo in pixels. */
export const DEFAULT_PHOTO_SIZE = 96;

const BACKGROUND: Rgb = [0xe6, 0xe8, 0xeb];
const FIGURE: Rgb = [0xb4, 0xb9, 0xc0];

/** A head and shoulders, in units of the image's side. */
function isFigure(x: number, y: number): boolean {
  const head = (x - 0.5) ** 2 + (y - 0.38) ** 2 <= 0.17 ** 2;
  const shoulders = y >= 0.62 && ((x - 0.5) / 0.34) ** 2 + ((y - 0.98) / 0.36) ** 2 <= 1;
  return head || shoulders;
}

let encoded: Buffer | undefined;

/** The default photo: a grey silhouette as an 8-bit RGB PNG, the same bytes every time. */
export function defaultPhotoPng(): Buffer {
  const side = DEFAULT_PHOTO_SIZE;
  encoded ??= encodePng(side, side, (x, y) =>
    isFigure((x + 0.5) / side, (y + 0.5) / side) ? FIGURE : BACKGROUND,
  );
  return encoded;
}

/**
 * Stores the default photo under DEFAULT_PHOTO_KEY unless something is stored there already (an
 * operator's own picture stays). True when it wrote it.
 */
export function ensureDefaultPhoto(driver: StorageDriver): Promise<boolean> {
  return driver.putIfAbsent(DEFAULT_PHOTO_KEY, defaultPhotoPng(), DEFAULT_PHOTO_CONTENT_TYPE);
}
