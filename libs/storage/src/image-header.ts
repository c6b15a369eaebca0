import { imageSize } from 'image-size';

import type { ImageType } from './image-type';

/**
 * Largest accepted width or height. Wide panoramas and long scans stay under it; a side beyond
 * it is a header claiming a picture no screen shows, made to exhaust whatever decodes it.
 */
export const MAX_IMAGE_SIDE = 20_000;

/**
 * Largest accepted width × height: sharp's default input limit (0x3FFF²), so a later thumbnailer
 * using libvips with its defaults can open every image stored, and a decompression bomb (a few
 * KB claiming gigapixels) is refused before anything decodes it.
 */
export const MAX_IMAGE_PIXELS = 0x3fff * 0x3fff;

export interface ImageDimensions {
  width: number;
  height: number;
}

const acceptableSide = (side: number): boolean =>
  Number.isInteger(side) && side >= 1 && side <= MAX_IMAGE_SIDE;

/**
 * The dimensions `bytes` declare, read from the header alone (no pixel is decoded), or null when
 * the header does not parse as `type` or declares no pixels or too many.
 */
export function readImageHeader(bytes: Buffer, type: ImageType): ImageDimensions | null {
  // image-size reads through a DataView over the whole ArrayBuffer; a Buffer sharing Node's pool
  // would let a truncated header read its neighbours' bytes as width and height.
  const exact =
    bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.length
      ? bytes
      : new Uint8Array(bytes);
  let size: ReturnType<typeof imageSize>;
  try {
    size = imageSize(exact);
  } catch {
    return null;
  }
  const { width, height } = size;
  if (size.type !== type || !acceptableSide(width) || !acceptableSide(height)) return null;
  if (width * height > MAX_IMAGE_PIXELS) return null;
  return { width, height };
}
