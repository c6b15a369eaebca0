import type { ImageDimensions } from './image-header';

const SOS = 0xda;
const EOI = 0xd9;

/** A marker with no length after it: TEM, RST0–RST7 (or 0x00, a stuffed byte, no marker). */
const standalone = (code: number): boolean =>
  code === 0x00 || code === 0x01 || (code >= 0xd0 && code <= 0xd7);

/** SOF0–SOF15 but DHT (C4), JPG (C8) and DAC (CC): a frame header, which holds the size. */
const frameHeader = (code: number): boolean =>
  code >= 0xc0 && code <= 0xcf && code !== 0xc4 && code !== 0xc8 && code !== 0xcc;

/**
 * The size a JPEG's frame header declares, walking its segments from the SOI by their lengths
 * as libjpeg does: fill bytes (0xFF) before a marker are skipped, and so are stray bytes between
 * segments, in one pass over the bytes at most. Null when no frame header comes before the scan
 * or the end, or a segment's length is bogus.
 */
export function readJpegFrameSize(bytes: Buffer): ImageDimensions | null {
  let at = 2;
  for (;;) {
    while (at < bytes.length && bytes[at] !== 0xff) at += 1;
    while (bytes[at] === 0xff) at += 1;
    if (at >= bytes.length) return null;
    const code = bytes[at];
    at += 1;
    if (standalone(code)) continue;
    if (code === SOS || code === EOI || at + 2 > bytes.length) return null;
    const length = bytes.readUInt16BE(at);
    if (length < 2) return null;
    if (frameHeader(code)) {
      // length (2), sample precision (1), height (2), width (2)
      if (at + 7 > bytes.length) return null;
      return { height: bytes.readUInt16BE(at + 3), width: bytes.readUInt16BE(at + 5) };
    }
    at += length;
  }
}
