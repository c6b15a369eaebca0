import { crc32 } from 'node:zlib';

import { AppError, ErrorKind } from '@app/grpc';
import { Logger } from '@nestjs/common';

import {
  BROKEN_IMAGE_FIXTURES,
  IMAGE_FIXTURES,
  TRUNCATED_IMAGE_FIXTURES,
} from './image-fixtures.stub';
import { MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE } from './image-header';
import { decodeBase64Image, imageTooLargeMessage, storeImage } from './image-upload';
import { encodePng } from './png';
import { contentKey, StorageDriver, type StoredObject } from './storage-driver';

class MemoryDriver extends StorageDriver {
  readonly puts: { bytes: Buffer; contentType: string; key?: string }[] = [];
  failWith?: Error;

  put(bytes: Buffer, contentType: string, key?: string): Promise<StoredObject> {
    if (this.failWith) return Promise.reject(this.failWith);
    this.puts.push({ bytes, contentType, key });
    return Promise.resolve({ key: key ?? contentKey(bytes, contentType) });
  }

  putIfAbsent(): Promise<boolean> {
    return Promise.resolve(false);
  }

  url(key: string): string {
    return `http://img.test/${key}`;
  }
}

/** The PNG fixture with its IHDR declaring `width` × `height` (and a CRC that matches). */
function pngDeclaring(width: number, height: number): Buffer {
  const png = Buffer.from(IMAGE_FIXTURES.png);
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

describe('decodeBase64Image', () => {
  const base64 = IMAGE_FIXTURES.png.toString('base64');

  it('reads bare base64, data URLs and base64 wrapped over lines', () => {
    expect(decodeBase64Image(base64).equals(IMAGE_FIXTURES.png)).toBe(true);
    expect(decodeBase64Image(`data:image/png;base64,${base64}`).equals(IMAGE_FIXTURES.png)).toBe(
      true,
    );
    expect(
      decodeBase64Image(`${base64.slice(0, 20)}\r\n${base64.slice(20)}`).equals(IMAGE_FIXTURES.png),
    ).toBe(true);
  });

  it('rejects text that is not base64 with 400 Invalid image.', () => {
    for (const value of [
      '',
      'not base64!',
      'data:image/png;base64,',
      'data:text/html;base64,PGgxPg==',
    ]) {
      expect(() => decodeBase64Image(value)).toThrow(AppError);
      expect(() => decodeBase64Image(value)).toThrow('Invalid image.');
    }
  });
});

describe('storeImage', () => {
  let driver: MemoryDriver;
  beforeEach(() => {
    driver = new MemoryDriver();
  });

  it('stores an image under its content hash with the detected type, whatever the input form', async () => {
    const stored = await storeImage(driver, IMAGE_FIXTURES.gif, { maxBytes: 1024 });
    expect(stored.key).toMatch(/^[0-9a-f]{64}\.gif$/);
    expect(stored.url).toBe(`http://img.test/${stored.key}`);
    expect(driver.puts[0]?.contentType).toBe('image/gif');
    // The key the check computed goes along, so the driver does not hash the bytes again.
    expect(driver.puts[0]?.key).toBe(contentKey(IMAGE_FIXTURES.gif, 'image/gif'));

    const again = await storeImage(
      driver,
      `data:image/jpeg;base64,${IMAGE_FIXTURES.gif.toString('base64')}`,
      { maxBytes: 1024 },
    );
    expect(again.key).toBe(stored.key);
  });

  it('refuses bytes that are not an image, whatever the data URL claims', async () => {
    const error = await rejection(
      storeImage(driver, `data:image/png;base64,${IMAGE_FIXTURES.text.toString('base64')}`, {
        maxBytes: 1024,
      }),
    );
    expect(error.kind).toBe(ErrorKind.InvalidArgument);
    expect(error.message).toBe('Invalid image.');
    expect(driver.puts).toHaveLength(0);
  });

  it('stores a real image of each accepted type, as bytes and as base64', async () => {
    const types = { png: 'image/png', gif: 'image/gif', webp: 'image/webp', jpg: 'image/jpeg' };
    for (const [type, contentType] of Object.entries(types)) {
      const bytes = IMAGE_FIXTURES[type as keyof typeof types];
      for (const input of [bytes, bytes.toString('base64')]) {
        const stored = await storeImage(driver, input, { maxBytes: 1024 });
        expect(stored.key).toBe(contentKey(bytes, contentType));
      }
    }
    expect(driver.puts.map((put) => put.contentType)).toEqual([
      'image/png',
      'image/png',
      'image/gif',
      'image/gif',
      'image/webp',
      'image/webp',
      'image/jpeg',
      'image/jpeg',
    ]);
  });

  /** What storing `input` came to: 'stored', or the AppError's kind and message. */
  const outcome = (input: Buffer | string, maxBytes = 4096): Promise<string> =>
    storeImage(driver, input, { maxBytes }).then(
      () => 'stored',
      (error: unknown) =>
        error instanceof AppError ? `${error.kind}: ${error.message}` : String(error),
    );
  const INVALID = `${ErrorKind.InvalidArgument}: Invalid image.`;

  it('refuses a file whose magic bytes name an image its header does not hold, storing nothing', async () => {
    const answers: [string, string][] = [];
    for (const [name, bytes] of Object.entries(BROKEN_IMAGE_FIXTURES)) {
      // Sliced from a larger buffer, copied to one of its own, and as base64.
      for (const input of [bytes, Buffer.from(bytes), bytes.toString('base64')]) {
        answers.push([name, await outcome(input)]);
      }
    }
    expect(answers).toEqual(
      Object.keys(BROKEN_IMAGE_FIXTURES).flatMap((name) =>
        Array.from({ length: 3 }, () => [name, INVALID]),
      ),
    );
    expect(driver.puts).toHaveLength(0);
  });

  /** What storing each file came to, as raw bytes and as base64. */
  async function outcomes(files: Record<string, Buffer>): Promise<[string, string][]> {
    const answers: [string, string][] = [];
    for (const [name, bytes] of Object.entries(files)) {
      for (const input of [bytes, bytes.toString('base64')]) {
        answers.push([name, await outcome(input, 8192)]);
      }
    }
    return answers;
  }
  const expectAll = (files: Record<string, Buffer>, answer: string): [string, string][] =>
    Object.keys(files).flatMap((name) => [
      [name, answer],
      [name, answer],
    ]);

  describe('a file cut short after a whole header', () => {
    const { jpg, png, gif, webp } = IMAGE_FIXTURES;
    const truncated = TRUNCATED_IMAGE_FIXTURES;

    it('refuses a JPEG with no EOI marker after its start of scan, and takes one with bytes after its EOI', async () => {
      // A camera's APP1: Exif, then a thumbnail JPEG ending in its own EOI.
      const exifPayload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), jpg]);
      const exif = Buffer.concat([Buffer.from([0xff, 0xe1, 0, 0]), exifPayload]);
      exif.writeUInt16BE(exifPayload.length + 2, 2);
      const withThumbnail = (bytes: Buffer): Buffer =>
        Buffer.concat([bytes.subarray(0, 2), exif, bytes.subarray(2)]);
      const refused = {
        jpgNoEoi: truncated.jpgNoEoi,
        jpgHalfEoi: truncated.jpgHalfEoi,
        jpgInScanHeader: truncated.jpgInScanHeader,
        // The Exif thumbnail's own EOI comes before the scan: it does not end the image.
        'cut before its EOI, an Exif thumbnail before it': withThumbnail(truncated.jpgNoEoi),
      };
      const stored = {
        'with an Exif thumbnail': withThumbnail(jpg),
        'zero padding after its EOI': Buffer.concat([jpg, Buffer.alloc(1000)]),
        'data appended after its EOI': Buffer.concat([jpg, Buffer.from('appended data')]),
      };
      expect(await outcomes(refused)).toEqual(expectAll(refused, INVALID));
      expect(driver.puts).toHaveLength(0);
      expect(await outcomes(stored)).toEqual(expectAll(stored, 'stored'));
    });

    it('refuses a PNG whose chunks run past its end or never reach IEND, and takes one with bytes after IEND', async () => {
      const refused = {
        pngNoIend: truncated.pngNoIend,
        pngHalfIend: truncated.pngHalfIend,
        pngInIdat: truncated.pngInIdat,
        'IHDR alone': png.subarray(0, 33),
      };
      const stored = {
        'bytes after IEND': Buffer.concat([png, Buffer.from('trailing bytes')]),
        'a generated PNG': encodePng(40, 30, (x, y) => [x * 6, y * 8, 128]),
      };
      expect(await outcomes(refused)).toEqual(expectAll(refused, INVALID));
      expect(driver.puts).toHaveLength(0);
      expect(await outcomes(stored)).toEqual(expectAll(stored, 'stored'));
    });

    it('refuses a GIF whose last byte is not the trailer, and takes one padded with zeros after it', async () => {
      const refused = {
        gifNoTrailer: truncated.gifNoTrailer,
        gifInImage: truncated.gifInImage,
        'cut, then padded with zeros': Buffer.concat([truncated.gifInImage, Buffer.alloc(64)]),
      };
      // gif.js (GIFEncoder's ByteArray) hands out whole 4096-byte pages, zeros after the trailer.
      const stored = {
        'gif.js page padding': Buffer.concat([gif, Buffer.alloc(4096 - gif.length)]),
        'data appended after the trailer': Buffer.concat([gif, Buffer.from('appended data')]),
      };
      expect(await outcomes(refused)).toEqual(expectAll(refused, INVALID));
      expect(driver.puts).toHaveLength(0);
      expect(await outcomes(stored)).toEqual(expectAll(stored, 'stored'));
    });

    it('refuses an animated GIF cut anywhere, though the byte it ends on is 0x3B (59, a colour or a delay)', async () => {
      const hex = (text: string): Buffer => Buffer.from(text.replace(/ /g, ''), 'hex');
      // Each frame 1 × 1 and 0.59 s long (a delay of 59 = 0x3B), the second with a colour table
      // of its own; the global one and the second frame's hold the grey (59, 59, 59).
      const frame = (packed: string, colours = ''): Buffer =>
        hex(`21f904 00 3b00 00 00 2c 0000 0000 0100 0100 ${packed} ${colours} 02 02 4401 00`);
      const animated = Buffer.concat([
        Buffer.from('GIF89a', 'latin1'),
        hex('0100 0100 80 00 00 000000 3b3b3b'),
        hex('21ff 0b'),
        Buffer.from('NETSCAPE2.0', 'latin1'),
        hex('03 01 0000 00'),
        hex('21fe 05'),
        Buffer.from('hello', 'latin1'),
        hex('00'),
        frame('00'),
        frame('80', '000000 3b3b3b'),
        hex('3b'),
      ]);
      const cuts = Object.fromEntries(
        Array.from({ length: animated.length - 13 }, (_, at) => [
          `cut to ${at + 13} bytes`,
          animated.subarray(0, at + 13),
        ]),
      );
      expect(await outcomes(cuts)).toEqual(expectAll(cuts, INVALID));
      expect(driver.puts).toHaveLength(0);
      expect(await outcomes({ whole: animated })).toEqual(expectAll({ whole: animated }, 'stored'));
    });

    it('refuses a WebP shorter than its RIFF size declares, and takes one with bytes after it', async () => {
      const refused = {
        webpShort: truncated.webpShort,
        'header alone': webp.subarray(0, 30),
      };
      const stored = { 'bytes after the RIFF chunk': Buffer.concat([webp, Buffer.alloc(10)]) };
      expect(await outcomes(refused)).toEqual(expectAll(refused, INVALID));
      expect(driver.puts).toHaveLength(0);
      expect(await outcomes(stored)).toEqual(expectAll(stored, 'stored'));
    });
  });

  it(`refuses a header declaring 0 pixels, a side over ${MAX_IMAGE_SIDE} or over ${MAX_IMAGE_PIXELS} pixels`, async () => {
    const black = (): [number, number, number] => [0, 0, 0];
    const refused = {
      '0 × 1': pngDeclaring(0, 1),
      '1 × 0': pngDeclaring(1, 0),
      'side + 1': pngDeclaring(MAX_IMAGE_SIDE + 1, 1),
      '1 × 2³²-1': pngDeclaring(1, 0xffffffff),
      'both sides at the limit': pngDeclaring(MAX_IMAGE_SIDE, MAX_IMAGE_SIDE),
      'a real PNG one pixel too wide': encodePng(MAX_IMAGE_SIDE + 1, 1, black),
    };
    const answers: [string, string][] = [];
    for (const [name, bytes] of Object.entries(refused)) answers.push([name, await outcome(bytes)]);
    expect(answers).toEqual(Object.keys(refused).map((name) => [name, INVALID]));
    expect(driver.puts).toHaveLength(0);

    expect(await outcome(encodePng(MAX_IMAGE_SIDE, 1, black))).toBe('stored');
    expect(await outcome(pngDeclaring(0x3fff, 0x3fff))).toBe('stored');
  });

  it('refuses images over the size limit, as bytes or as base64', async () => {
    const limit = IMAGE_FIXTURES.png.length - 1;
    for (const input of [
      IMAGE_FIXTURES.png,
      IMAGE_FIXTURES.png.toString('base64'),
      'A'.repeat(10_000),
    ]) {
      const error = await rejection(storeImage(driver, input, { maxBytes: limit }));
      expect(error.kind).toBe(ErrorKind.InvalidArgument);
      expect(error.message).toBe(imageTooLargeMessage(limit));
    }
    await expect(
      storeImage(driver, IMAGE_FIXTURES.png, { maxBytes: IMAGE_FIXTURES.png.length }),
    ).resolves.toHaveProperty('key');
  });

  it('answers a failing driver with StorageFailed and the field message, and logs the cause', async () => {
    const log = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    driver.failWith = new Error('disk full');
    const error = await rejection(
      storeImage(driver, IMAGE_FIXTURES.png, {
        maxBytes: 1024,
        failureMessage: 'Uploading id_card_back image failed.',
      }),
    );
    expect(error.kind).toBe(ErrorKind.StorageFailed);
    expect(error.message).toBe('Uploading id_card_back image failed.');
    expect(error.cause).toBe(driver.failWith);

    const defaultMessage = await rejection(
      storeImage(driver, IMAGE_FIXTURES.png, { maxBytes: 1024 }),
    );
    expect(defaultMessage.message).toBe('Uploading profile photo image failed.');
    expect(log).toHaveBeenCalledWith(expect.stringContaining('disk full'));
    log.mockRestore();
  });
});
