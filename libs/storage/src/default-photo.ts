import { crc32, deflateSync } from 'node:zlib';

import type { StorageDriver } from './storage-driver';

/**
 * The key every user without a photo is shown under (`photo`, `aut_photo`, `user_photo`): the
 * reference's default qiniu key, kept so URLs stay as its clients know them.
 */
export const DEFAULT_PHOTO_KEY = 'Fkj6tQi3xJwVXi1u2swCElotfdCi';
export const DEFAULT_PHOTO_CONTENT_TYPE = 'image/png';
/** Side of the square default photo in pixels. */
export const DEFAULT_PHOTO_SIZE = 96;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const BACKGROUND = [0xe6, 0xe8, 0xeb] as const;
const FIGURE = [0xb4, 0xb9, 0xc0] as const;

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** A head and shoulders, in units of the image's side. */
function isFigure(x: number, y: number): boolean {
  const head = (x - 0.5) ** 2 + (y - 0.38) ** 2 <= 0.17 ** 2;
  const shoulders = y >= 0.62 && ((x - 0.5) / 0.34) ** 2 + ((y - 0.98) / 0.36) ** 2 <= 1;
  return head || shoulders;
}

let encoded: Buffer | undefined;

/** The default photo: a grey silhouette as an 8-bit RGB PNG, the same bytes every time. */
export function defaultPhotoPng(): Buffer {
  if (encoded) return encoded;
  const side = DEFAULT_PHOTO_SIZE;
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header.set([8, 2, 0, 0, 0], 8); // bit depth 8, truecolour, deflate, no filter, no interlace
  const stride = 1 + side * 3;
  const raw = Buffer.alloc(stride * side); // each row starts with filter type 0 (none)
  for (let y = 0; y < side; y += 1) {
    for (let x = 0; x < side; x += 1) {
      const colour = isFigure((x + 0.5) / side, (y + 0.5) / side) ? FIGURE : BACKGROUND;
      raw.set(colour, y * stride + 1 + x * 3);
    }
  }
  encoded = Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
  return encoded;
}

/**
 * Stores the default photo under DEFAULT_PHOTO_KEY unless something is stored there already (an
 * operator's own picture stays). True when it wrote it.
 */
export function ensureDefaultPhoto(driver: StorageDriver): Promise<boolean> {
  return driver.putIfAbsent(DEFAULT_PHOTO_KEY, defaultPhotoPng(), DEFAULT_PHOTO_CONTENT_TYPE);
}
