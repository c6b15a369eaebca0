/** Tiny real images (1×1 pixel) and non-images for tests of uploads. */
export const IMAGE_FIXTURES = {
  png: Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
    'base64',
  ),
  gif: Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64'),
  webp: Buffer.from('UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==', 'base64'),
  /** A baseline JPEG of one grey pixel (libjpeg decodes it without a warning). */
  jpg: Buffer.from(
    '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQH/wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAAAP/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AP//Z',
    'base64',
  ),
  text: Buffer.from('<?php echo "not an image"; ?>', 'utf8'),
} as const;

const garbage = Buffer.from('garbage '.repeat(64), 'latin1');
/** Where the JPEG fixture's frame header (SOF0, which holds its size) starts. */
const jpgFrameHeader = IMAGE_FIXTURES.jpg.indexOf(Buffer.from([0xff, 0xc0]));

/**
 * Files whose magic bytes name an image no client can show: the signature alone, a header cut
 * short or followed by garbage, a size of 0 pixels.
 */
export const BROKEN_IMAGE_FIXTURES = {
  jpgMagicOnly: Buffer.from([0xff, 0xd8, 0xff]),
  pngMagicOnly: IMAGE_FIXTURES.png.subarray(0, 8),
  gifMagicOnly: Buffer.from('GIF89a', 'latin1'),
  webpMagicOnly: Buffer.from('RIFF\0\0\0\0WEBP', 'latin1'),
  /** Cut inside IHDR, before the height. */
  pngTruncated: IMAGE_FIXTURES.png.subarray(0, 20),
  /** Cut before the frame header: the tables are there, the size is not. */
  jpgTruncated: IMAGE_FIXTURES.jpg.subarray(0, jpgFrameHeader),
  /** Cut inside the frame header, before the width. */
  jpgTruncatedFrame: IMAGE_FIXTURES.jpg.subarray(0, jpgFrameHeader + 7),
  pngGarbage: Buffer.concat([IMAGE_FIXTURES.png.subarray(0, 8), garbage]),
  jpgGarbage: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), garbage]),
  webpGarbage: Buffer.concat([IMAGE_FIXTURES.webp.subarray(0, 12), garbage]),
  /** A GIF header declaring a 0 × 0 screen. */
  gifZeroSize: Buffer.concat([IMAGE_FIXTURES.gif.subarray(0, 6), Buffer.alloc(4)]),
} as const;

const pngIend = IMAGE_FIXTURES.png.length - 12;
const jpgScan = IMAGE_FIXTURES.jpg.indexOf(Buffer.from([0xff, 0xda]));

/**
 * Images cut short after a whole header, as a broken client or an upload stopped halfway sends
 * them: each header reads, the rest of the file is missing.
 */
export const TRUNCATED_IMAGE_FIXTURES = {
  /** The scan whole, the EOI marker (FF D9) missing. */
  jpgNoEoi: IMAGE_FIXTURES.jpg.subarray(0, IMAGE_FIXTURES.jpg.length - 2),
  /** The last byte, half the EOI marker, missing. */
  jpgHalfEoi: IMAGE_FIXTURES.jpg.subarray(0, IMAGE_FIXTURES.jpg.length - 1),
  /** Cut inside the scan header. */
  jpgInScanHeader: IMAGE_FIXTURES.jpg.subarray(0, jpgScan + 6),
  /** The IDAT whole, the IEND chunk missing. */
  pngNoIend: IMAGE_FIXTURES.png.subarray(0, pngIend),
  /** The last byte, the end of IEND's CRC, missing. */
  pngHalfIend: IMAGE_FIXTURES.png.subarray(0, IMAGE_FIXTURES.png.length - 1),
  /** Cut inside the IDAT chunk. */
  pngInIdat: IMAGE_FIXTURES.png.subarray(0, pngIend - 6),
  /** The trailer (0x3B) missing. */
  gifNoTrailer: IMAGE_FIXTURES.gif.subarray(0, IMAGE_FIXTURES.gif.length - 1),
  /** Cut inside the image data. */
  gifInImage: IMAGE_FIXTURES.gif.subarray(0, IMAGE_FIXTURES.gif.length - 4),
  /** One byte shorter than the RIFF size declares. */
  webpShort: IMAGE_FIXTURES.webp.subarray(0, IMAGE_FIXTURES.webp.length - 1),
} as const;
