import type { ImageDimensions } from './image-header';

const SOS = 0xda;
const EOI = 0xd9;
const EOI_MARKER = Buffer.from([0xff, EOI]);

/** A marker with no length after it: TEM, RST0–RST7 (or 0x00, a stuffed byte, no marker). */
const standalone = (code: number): boolean =>
  code === 0x00 || code === 0x01 || (code >= 0xd0 && code <= 0xd7);

/** SOF0–SOF15 but DHT (C4), JPG (C8) and DAC (CC): a frame header, which holds the size. */
const frameHeader = (code: number): boolean =>
  code >= 0xc0 && code <= 0xcf && code !== 0xc4 && code !== 0xc8 && code !== 0xcc;

/**
 * Where the first segment whose marker `wanted` accepts starts (its length, right after the
 * marker), walking a JPEG's segments from the SOI by their lengths as libjpeg does: fill bytes
 * (0xFF) before a marker are skipped, and so are stray bytes between segments, in one pass over
 * the bytes at most. Null when no such segment comes before the scan or the end, or a segment's
 * length is bogus.
 */
function findSegment(bytes: Buffer, wanted: (code: number) => boolean): number | null {
  let at = 2;
  for (;;) {
    while (at < bytes.length && bytes[at] !== 0xff) at += 1;
    while (bytes[at] === 0xff) at += 1;
    if (at >= bytes.length) return null;
    const code = bytes[at];
    at += 1;
    if (standalone(code)) continue;
    if (wanted(code)) return at;
    if (code === SOS || code === EOI || at + 2 > bytes.length) return null;
    const length = bytes.readUInt16BE(at);
    if (length < 2) return null;
    at += length;
  }
}

/** The size a JPEG's frame header declares, or null when none comes before the scan or the end. */
export function readJpegFrameSize(bytes: Buffer): ImageDimensions | null {
  const at = findSegment(bytes, frameHeader);
  // length (2), sample precision (1), height (2), width (2)
  if (at === null || at + 7 > bytes.length || bytes.readUInt16BE(at) < 2) return null;
  return { height: bytes.readUInt16BE(at + 3), width: bytes.readUInt16BE(at + 5) };
}

/**
 * Whether an EOI marker (FF D9) comes after the first scan header. A 0xFF in entropy-coded data
 * is followed by 0x00 or a restart marker, so the last FF D9 of the file is the EOI or lies after
 * it (appended data); bytes after the EOI are allowed. An EOI before the scan, an Exif
 * thumbnail's, does not count. One pass over the bytes at most.
 */
export function jpegEndsAfterScan(bytes: Buffer): boolean {
  const at = findSegment(bytes, (code) => code === SOS);
  if (at === null || at + 2 > bytes.length) return false;
  return bytes.lastIndexOf(EOI_MARKER) >= at + bytes.readUInt16BE(at);
}
