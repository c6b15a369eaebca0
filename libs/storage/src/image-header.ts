import { imageSize } from 'image-size';

import type { ImageType } from './image-type';
import { readJpegFrameSize } from './jpeg-frame';

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

/** image-size reads no further than byte 40 of a PNG (Apple's CgBI), GIF or WebP. */
const HEAD_BYTES = 64;

/** The size a PNG, GIF or WebP header declares, or null when it does not parse as `type`. */
function readHeadSize(bytes: Buffer, type: Exclude<ImageType, 'jpg'>): ImageDimensions | null {
  // image-size reads through a DataView over the whole ArrayBuffer; its own copy of the head
  // keeps a header cut short from reading the bytes after it (Node's pool) as width and height.
  let size: ReturnType<typeof imageSize>;
  try {
    size = imageSize(new Uint8Array(bytes.subarray(0, HEAD_BYTES)));
  } catch {
    return null;
  }
  return size.type === type ? size : null;
}

/**
 * The dimensions `bytes` declare, read from the header alone (no pixel is decoded), or null when
 * the header does not parse as `type` or declares no pixels or too many.
 */
export function readImageHeader(bytes: Buffer, type: ImageType): ImageDimensions | null {
  const size = type === 'jpg' ? readJpegFrameSize(bytes) : readHeadSize(bytes, type);
  if (!size) return null;
  const { width, height } = size;
  if (!acceptableSide(width) || !acceptableSide(height)) return null;
  if (width * height > MAX_IMAGE_PIXELS) return null;
  return { width, height };
}
