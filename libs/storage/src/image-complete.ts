import type { ImageType } from './image-type';
import { jpegEndsAfterScan } from './jpeg-frame';

/** Chunk length (4) and type (4) before a PNG chunk's data, its CRC (4) after. */
const PNG_CHUNK_FRAME = 12;
const PNG_SIGNATURE_BYTES = 8;
/** The chunk type IEND read as a big-endian 32-bit number. */
const IEND = 0x49454e44;
/** GIF signature (6) and logical screen descriptor (7), the last of its bytes its flags. */
const GIF_SCREEN_END = 13;
/** An image descriptor: separator (1), position (4), size (4), flags (1). */
const GIF_IMAGE_DESCRIPTOR = 10;
const GIF_EXTENSION = 0x21;
const GIF_IMAGE = 0x2c;
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

/** Bytes of the colour table a GIF's screen or image descriptor flags announce. */
const gifColourTable = (flags: number): number => (flags & 0x80 ? 3 << ((flags & 7) + 1) : 0);

/**
 * Whether a GIF's blocks (extensions and images, each ending in an empty sub-block), walked from
 * its screen descriptor by their lengths, reach the trailer (0x3B) before the end of the file:
 * one step a sub-block. Bytes after the trailer are allowed, the zeros gif.js, a common encoder
 * in browsers, writes to fill its last 4096-byte page among them.
 */
function gifReachesTrailer(bytes: Buffer): boolean {
  if (bytes.length < GIF_SCREEN_END) return false;
  let at = GIF_SCREEN_END + gifColourTable(bytes[GIF_SCREEN_END - 3]);
  while (at < bytes.length) {
    const block = bytes[at];
    if (block === GIF_TRAILER) return true;
    if (block === GIF_EXTENSION) {
      at += 2; // introducer, label
    } else if (block === GIF_IMAGE) {
      at += GIF_IMAGE_DESCRIPTOR;
      if (at > bytes.length) return false;
      at += gifColourTable(bytes[at - 1]) + 1; // colour table, LZW minimum code size
    } else {
      return false;
    }
    while (at < bytes.length && bytes[at] !== 0) at += bytes[at] + 1;
    at += 1; // the empty sub-block ending the block
  }
  return false;
}

/** Whether the file holds the whole RIFF chunk its size field (after "RIFF") declares. */
const webpHoldsRiffChunk = (bytes: Buffer): boolean =>
  bytes.length >= 8 && bytes.readUInt32LE(4) + 8 <= bytes.length;

/**
 * Whether an image of `type` ends as a whole file of it does (a JPEG's EOI after its scan, a
 * PNG's IEND, a GIF's trailer after its blocks, a WebP's whole RIFF chunk), so an upload cut
 * short after its header is refused. No pixel is decoded: at most one pass over the bytes.
 */
export function isImageComplete(bytes: Buffer, type: ImageType): boolean {
  switch (type) {
    case 'jpg':
      return jpegEndsAfterScan(bytes);
    case 'png':
      return pngReachesIend(bytes);
    case 'gif':
      return gifReachesTrailer(bytes);
    case 'webp':
      return webpHoldsRiffChunk(bytes);
  }
}
