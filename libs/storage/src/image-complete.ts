import type { ImageType } from './image-type';
import { jpegEndsAfterScan } from './jpeg-frame';

/** Chunk length (4) and type (4) before a PNG chunk's data, its CRC (4) after. */
const PNG_CHUNK_FRAME = 12;
const PNG_SIGNATURE_BYTES = 8;
/** The chunk type IEND read as a big-endian 32-bit number. */
const IEND = 0x49454e44;
const GIF_TRAILER = 0x3b;

/**
 * Whether a PNG's chunks, walked from the signature by their lengths, reach a whole IEND before
 * the end of the file: one step a chunk, at least 12 bytes each. Bytes after IEND are allowed.
 */
function pngReachesIend(bytes: Buffer): boolean {
  let at = PNG_SIGNATURE_BYTES;
  while (at + PNG_CHUNK_FRAME <= bytes.length) {
    const end = at + PNG_CHUNK_FRAME + bytes.readUInt32BE(at);
    if (end > bytes.length) return false;
    if (bytes.readUInt32BE(at + 4) === IEND) return true;
    at = end;
  }
  return false;
}

/**
 * Whether a GIF's last byte is its trailer. Zeros after it are allowed: gif.js, a common encoder
 * in browsers, writes out whole 4096-byte pages, the rest of the last one zeros.
 */
function gifEndsInTrailer(bytes: Buffer): boolean {
  let last = bytes.length - 1;
  while (last >= 0 && bytes[last] === 0) last -= 1;
  return bytes[last] === GIF_TRAILER;
}

/** Whether the file holds the whole RIFF chunk its size field (after "RIFF") declares. */
const webpHoldsRiffChunk = (bytes: Buffer): boolean =>
  bytes.length >= 8 && bytes.readUInt32LE(4) + 8 <= bytes.length;

/**
 * Whether an image of `type` ends as a whole file of it does (a JPEG's EOI after its scan, a
 * PNG's IEND, a GIF's trailer, a WebP's whole RIFF chunk), so an upload cut short after its
 * header is refused. No pixel is decoded: at most one pass over the bytes.
 */
export function isImageComplete(bytes: Buffer, type: ImageType): boolean {
  switch (type) {
    case 'jpg':
      return jpegEndsAfterScan(bytes);
    case 'png':
      return pngReachesIend(bytes);
    case 'gif':
      return gifEndsInTrailer(bytes);
    case 'webp':
      return webpHoldsRiffChunk(bytes);
  }
}
